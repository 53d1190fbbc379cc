import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulatePurchaseLog } from "@cx/customer-value";
import { describe, expect, it } from "vitest";
import { fitClvModels } from "./clv-fit";
import { parseTransactionsCsv } from "./transactions-csv";

/** A purchase log drawn from the BG/NBD and Gamma-Gamma stories, first purchases during H1 2025. */
function simulatedCsv(customers: number, seed: number): string {
  const log = simulatePurchaseLog({
    customers,
    seed,
    bgnbd: { r: 0.8, alpha: 6, a: 1.2, b: 3 },
    gammaGamma: { p: 4, q: 5, v: 100 },
    startAt: Date.UTC(2025, 0, 1),
    firstPurchaseWithinWeeks: 26,
    untilWeek: 104,
    dates: "timestamps",
  });
  return `${[...log].join("\n")}\n`;
}

function runCx(args: string[]) {
  return spawnSync("npx", ["cx", ...args], { encoding: "utf8", timeout: 120_000 });
}

describe("cx clv fit", () => {
  it("prints the fitted parameters as one JSON object with the documented keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "cx-clv-"));
    const input = join(dir, "transactions.csv");
    writeFileSync(input, simulatedCsv(1500, 3));
    const result = runCx(["clv", "fit", "--input", input, "--calibration-end", "2025-12-31"]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(["customers", "repeatCustomers", "bgnbd", "gammaGamma"]);
    expect(Object.keys(report.bgnbd)).toEqual(["r", "alpha", "a", "b", "logLikelihood"]);
    expect(Object.keys(report.gammaGamma)).toEqual(["p", "q", "v"]);
    expect(report.customers).toBe(1500);
    expect(report.repeatCustomers).toBeGreaterThan(300);
    expect(report.repeatCustomers).toBeLessThan(1500);
    for (const value of [...Object.values(report.bgnbd).slice(0, 4), ...Object.values(report.gammaGamma)]) {
      expect(value).toBeGreaterThan(0);
    }
    expect(report.bgnbd.logLikelihood).toBeLessThan(0);
    // The simulated purchase rate while alive was 0.8 / 6 per week on average.
    expect(report.bgnbd.r / report.bgnbd.alpha).toBeGreaterThan(0.08);
    expect(report.bgnbd.r / report.bgnbd.alpha).toBeLessThan(0.2);
  });

  it("fits the parameters the previous (Nelder–Mead) optimiser printed for docs/cli.md's example", () => {
    const report = fitClvModels(simulatedCsv(1500, 3), "2025-12-31");
    const previous = {
      bgnbd: { r: 0.8909143130406173, alpha: 7.504499391860118, a: 0.860009037394535, b: 2.0756399732896056 },
      gammaGamma: { p: 3.642901001831686, q: 5.012904892780701, v: 112.68459134433596 },
    };
    for (const model of ["bgnbd", "gammaGamma"] as const)
      for (const [name, value] of Object.entries(previous[model])) {
        const fitted = (report[model] as Record<string, number>)[name] as number;
        expect(Math.abs(fitted / value - 1), name).toBeLessThan(1e-5);
      }
    expect(report.bgnbd.logLikelihood).toBeCloseTo(-12233.420474691868, 6);
    expect(report.repeatCustomers).toBe(1202);
  });

  it.each([
    ["a missing column", "customer_id,amount\na,1\n", /line 1: the header lacks occurred_at/],
    [
      "a bad date",
      "customer_id,occurred_at,amount\na,2025-01-01,1\nb,01/02/2025,2\n",
      /line 3: occurred_at "01\/02\/2025"/,
    ],
    [
      "a negative amount",
      "customer_id,occurred_at,amount\na,2025-01-01,-4\n",
      /line 2: amount -4 is negative/,
    ],
    [
      "a non-numeric amount",
      "customer_id,occurred_at,amount\na,2025-01-01,ten\n",
      /line 2: amount "ten" is not a number/,
    ],
    ["an empty file", "", /the file is empty/],
    ["no transactions", "customer_id,occurred_at,amount\n", /no transactions/],
  ])("rejects %s naming the line", (_name, csv, message) => {
    expect(() => parseTransactionsCsv(csv)).toThrow(message);
  });

  it("exits 2 with the reason on bad input, and 2 on a bad calibration date", () => {
    const dir = mkdtempSync(join(tmpdir(), "cx-clv-"));
    const input = join(dir, "bad.csv");
    writeFileSync(input, "customer_id,occurred_at,amount\na,2025-01-01,1\nb,2025-01-02,-3\n");
    const bad = runCx(["clv", "fit", "--input", input, "--calibration-end", "2025-12-31"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("line 3: amount -3 is negative");
    expect(() => fitClvModels("customer_id,occurred_at,amount\na,2025-01-01,1\n", "31.12.2025")).toThrow(
      /calibration-end/,
    );
  });
});
