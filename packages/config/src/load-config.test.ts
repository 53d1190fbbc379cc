import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, commaSeparatedList, loadConfig, positiveInt } from "./index";

const schema = z.object({
  KAFKA_BROKERS: commaSeparatedList,
  BATCH_SIZE: positiveInt.default(500),
});

describe("loadConfig", () => {
  it("parses and applies defaults", () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: "a:1, b:2" });
    expect(config).toEqual({ KAFKA_BROKERS: ["a:1", "b:2"], BATCH_SIZE: 500 });
  });

  it("names every bad variable and the value it was given", () => {
    let caught: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: "a:1,,", BATCH_SIZE: "-3" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS="a:1,,"');
    expect(message).toContain('BATCH_SIZE="-3"');
    expect((caught as ConfigError).problems).toHaveLength(2);
  });

  it("names a missing required variable", () => {
    expect(() => loadConfig(schema, {})).toThrow(/KAFKA_BROKERS/);
  });
});
