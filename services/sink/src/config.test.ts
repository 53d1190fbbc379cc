import { describe, expect, it } from "vitest";
import { sinkEnvSchema } from "./config";

describe("the sink's insert bounds", () => {
  it("default to 100,000 rows and one second, and are read from the environment's strings", () => {
    expect(sinkEnvSchema.parse({})).toMatchObject({
      SINK_BATCH_MAX_ROWS: 100_000,
      SINK_BATCH_MAX_WAIT_MS: 1000,
    });
    expect(sinkEnvSchema.parse({ SINK_BATCH_MAX_ROWS: "5000", SINK_BATCH_MAX_WAIT_MS: "250" })).toMatchObject(
      { SINK_BATCH_MAX_ROWS: 5000, SINK_BATCH_MAX_WAIT_MS: 250 },
    );
  });

  it("refuse a bound that would never start an insert, or hold records for minutes", () => {
    for (const wrong of [
      { SINK_BATCH_MAX_ROWS: "0" },
      { SINK_BATCH_MAX_ROWS: "many" },
      { SINK_BATCH_MAX_WAIT_MS: "0" },
      { SINK_BATCH_MAX_WAIT_MS: "600000" },
    ])
      expect(sinkEnvSchema.safeParse(wrong).success, JSON.stringify(wrong)).toBe(false);
  });
});
