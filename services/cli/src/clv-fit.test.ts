import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beta, exponential, gamma, seededRandom } from "@cx/random";
import { describe, expect, it } from "vitest";
import { fitClvModels } from "./clv-fit-command";
import { parseTransactionsCsv } from "./transactions-csv";

const dayMs = 24 * 60 * 60 * 1000;

/** A purchase log drawn from the BG/NBD and Gamma-Gamma stories, first purchases during H1 2025. */
function simulatedCsv(customers: number, seed: number): string {
  const random = seededRandom(seed);
  const start = Date.UTC(2025, 0, 1);
  const rows = ["customer_id,occurred_at,amount"];
  for (let id = 0; id < customers; id++) {
    const rate = gamma(random, 0.8, 6);
    const dropout = beta(random, 1.2, 3);
    const spendScale = gamma(random, 5, 100);
    const purchase = (week: number) =>
      rows.push(
        `c${id},${new Date(start + week * 7 * dayMs).toISOString()},${gamma(random, 4, spendScale).toFixed(2)}`,
      );
    const first = random() * 26;
    purchase(first);
    // Dropout happens only after repeat purchases, as in BG/NBD.
    for (let week = first + exponential(random, rate); week < 104; week += exponential(random, rate)) {
      purchase(week);
      if (random() < dropout) break;
    }
  }
  return `${rows.join("\n")}\n`;
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
