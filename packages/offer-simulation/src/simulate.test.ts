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
    arbitration: { ...defaultArbitration, minExpectedValueMinor: 500 },
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

  // Issue #16's checks, each on every seed. About 10 s a seed on a 2-core machine.
  describe("over three seeds (1000 customers, 12 weeks each)", () => {
    const seeds = [11, 12, 13];
    const reports: SimulationReport[] = [];
    it("runs", () => {
      for (const seed of seeds) reports.push(simulate({ ...asConfigured, seed, customers: 1000, days: 84 }));
      expect(reports).toHaveLength(seeds.length);
    }, 600_000);

    it("the engine causes value on every seed, more than a random eligible action", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const { engine, random } of reports) {
        expect(engine.incrementalValue).toBeGreaterThan(0);
        expect(engine.incrementalValue).toBeGreaterThan(random.incrementalValue);
      }
    });

    it("the engine sends at most a third of broadcast's marketing, and drives fewer opt-outs, on every seed", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const { engine, broadcast } of reports) {
        expect(engine.contactsPerCustomer).toBeLessThanOrEqual(broadcast.contactsPerCustomer / 3);
        expect(engine.optOuts).toBeLessThan(broadcast.optOuts);
      }
    });

    it("the learner's regret per decision falls on every seed: the last four weeks below the first four", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const report of reports) {
        const perDecision = report.engine.regretPerDecisionByWeek;
        expect(mean(perDecision.slice(-4))).toBeLessThan(mean(perDecision.slice(0, 4)));
        const cumulative = report.engine.regretByWeek;
        expect(cumulative.every((total, week) => total >= (cumulative[week - 1] ?? 0))).toBe(true);
      }
    });

    it("the engine's accepted offers bring more than a random eligible action's on every seed", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const { engine, random } of reports)
        expect(engine.acceptedValue).toBeGreaterThan(random.acceptedValue);
    });

    // Not met (docs/offers-proof.md): about 1.1 × on these seeds. Even an arbiter that knows every
    // customer's true response reaches only about 1.2 × under the shipped catalog and contact policy,
    // and about 1.3–1.4 × under the broad example catalog (config/offer-catalog-broad.json).
    // When this starts to pass, make it an `it`.
    it.fails("the engine's accepted value is at least 1.5 × a random eligible action's on every seed", () => {
      expect(reports).toHaveLength(seeds.length);
      for (const { engine, random } of reports)
        expect(engine.acceptedValue).toBeGreaterThanOrEqual(1.5 * random.acceptedValue);
    });
  });
});
