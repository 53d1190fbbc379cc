import { ConfigError, loadConfig } from "@cx/config";
import { describe, expect, it } from "vitest";
import { pipelineEnvSchema } from "./config";

describe("pipelineEnvSchema", () => {
  it("runs the offer service without a wall-clock tick: the demo ticks on its simulated clock", () => {
    expect(loadConfig(pipelineEnvSchema, {}).OFFERS_TICK_MS).toBe(0);
    expect(loadConfig(pipelineEnvSchema, { OFFERS_TICK_MS: "0" }).OFFERS_TICK_MS).toBe(0);
  });

  it("refuses a wall-clock tick, naming the variable", () => {
    expect(() => loadConfig(pipelineEnvSchema, { OFFERS_TICK_MS: "10000" })).toThrow(ConfigError);
    expect(() => loadConfig(pipelineEnvSchema, { OFFERS_TICK_MS: "10000" })).toThrow(/OFFERS_TICK_MS/);
  });
});
