import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defaultArbitration, defaultEngineSettings, defaultLearnerSettings, parseCatalog } from "@cx/offers";
import { describe, expect, it } from "vitest";
import { type SimulationReport, simulate } from "./simulate";

const catalogFile = fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url));
const catalog = parseCatalog(readFileSync(catalogFile, "utf8"));
/** The offers service's defaults (services/offers/src/config.ts), as `cx simulate` runs them. */
const asConfigured = {
  catalog,
  engine: {
    ...defaultEngineSettings,
    arbitration: { ...defaultArbitration, minExpectedValueMinor: 200 },
    holdout: { percent: 5, salt: "cx-holdout-v1" },
  },
  learner: defaultLearnerSettings,
};
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe("cx simulate", () => {
  it("prints the same report for the same seed, and another for another seed", () => {
    const run = (seed: number) =>
      JSON.stringify(simulate({ ...asConfigured, seed, customers: 120, days: 21 }));
    const first = run(5);
    expect(run(5)).toBe(first);
    expect(run(6)).not.toBe(first);
    const report = JSON.parse(first) as SimulationReport;
    expect(Object.keys(report)).toEqual([
      "setup",
      "engine",
      "random",
      "randomUntargeted",
      "broadcast",
      "none",
    ]);
    expect(report.none.incrementalValue).toBe(0);
    expect(report.none.contactsPerCustomer).toBe(0);
    expect(report.engine.regretByWeek).toHaveLength(3);
  });

  describe("over three seeds (1000 customers, 12 weeks each)", () => {
    const seeds = [11, 12, 13];
    const reports: SimulationReport[] = [];
    it("runs", () => {
      for (const seed of seeds) reports.push(simulate({ ...asConfigured, seed, customers: 1000, days: 84 }));
      expect(reports).toHaveLength(seeds.length);
    }, 600_000);

    it("the engine causes value on every seed (net value above no marketing at all)", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const report of reports) expect(report.engine.incrementalValue).toBeGreaterThan(0);
    });

    it("the engine drives fewer opt-outs than broadcast on every seed", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const report of reports) expect(report.engine.optOuts).toBeLessThan(report.broadcast.optOuts);
    });

    it("the learner's regret per decision falls: over the seeds, the last four weeks below the first four", () => {
      expect(reports).toHaveLength(seeds.length);
      const perDecision = reports.map((report) => report.engine.regretPerDecisionByWeek);
      const first = mean(perDecision.map((weeks) => mean(weeks.slice(0, 4))));
      const last = mean(perDecision.map((weeks) => mean(weeks.slice(-4))));
      expect(last).toBeLessThan(first);
      for (const report of reports) {
        const cumulative = report.engine.regretByWeek;
        expect(cumulative.every((total, week) => total >= (cumulative[week - 1] ?? 0))).toBe(true);
      }
    });
  });
});
