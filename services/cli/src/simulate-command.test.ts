import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const runCx = (args: string[]) => spawnSync("npx", ["cx", ...args], { encoding: "utf8", timeout: 180_000 });

describe("cx simulate", () => {
  it("prints one JSON object with an entry per policy and the documented figures", () => {
    const result = runCx(["simulate", "--seed", "3", "--customers", "60", "--days", "14"]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      "setup",
      "engine",
      "random",
      "randomUntargeted",
      "broadcast",
      "none",
    ]);
    for (const policy of ["engine", "random", "randomUntargeted", "broadcast", "none"])
      for (const figure of ["acceptedValue", "incrementalValue", "contactsPerCustomer", "optOuts"])
        expect(typeof report[policy][figure]).toBe("number");
    expect(report.engine.regretByWeek).toHaveLength(2);
  });

  it("exits 2 naming the option on a bad size", () => {
    const result = runCx(["simulate", "--customers", "0"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--customers");
  });
});
