import { loadConfig } from "@cx/config";
import { validateTouchpoint } from "@cx/contracts";
import { workloadTouchpoints } from "@cx/workload";
import { describe, expect, it } from "vitest";
import { generatorEnv, generatorEnvSchema } from "./config";

describe("workloadTouchpoints", () => {
  const endAt = Date.UTC(2026, 10, 1);

  it("streams the workload's days up to endAt, at most limit touchpoints, all valid", () => {
    const { workload, touchpoints } = workloadTouchpoints({
      seed: 4,
      customers: 100,
      days: 30,
      endAt,
      limit: 700,
    });
    expect(workload.endAt).toBe(endAt);
    expect(workload.startAt).toBe(endAt - 30 * 24 * 60 * 60 * 1000);
    const all = [...touchpoints];
    expect(all).toHaveLength(700);
    for (const touchpoint of all) {
      expect(validateTouchpoint(touchpoint, endAt)).toBeUndefined();
      expect(touchpoint.occurredAt).toBeGreaterThanOrEqual(workload.startAt);
    }
    const again = workloadTouchpoints({ seed: 4, customers: 100, days: 30, endAt, limit: 700 });
    expect([...again.touchpoints]).toEqual(all);
  });
});

describe("generatorEnv", () => {
  it("lays command-line flags over the environment", () => {
    const env = loadConfig(
      generatorEnvSchema,
      generatorEnv(["--customers", "2500", "--days", "180"], { GENERATOR_SEED: "7", GENERATOR_DAYS: "30" }),
    );
    expect(env).toMatchObject({ GENERATOR_CUSTOMERS: 2500, GENERATOR_DAYS: 180, GENERATOR_SEED: 7 });
    expect(env.GENERATOR_EVENTS).toBeUndefined();
    expect(() => generatorEnv(["--size", "3"], {})).toThrow();
  });
});
