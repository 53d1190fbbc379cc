import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { PipelineMetrics } from "./metrics";
import { Readiness } from "./readiness";

const readyValue = async (metrics: PipelineMetrics) => {
  const text = await metrics.registry.metrics();
  return /^cx_ready (\S+)$/m.exec(text)?.[1];
};

describe("cx_ready", () => {
  it("says at every scrape what /health/ready says: 0 while a part is not ready, 1 once all are", async () => {
    const readiness = new Readiness();
    const metrics = new PipelineMetrics(new Registry(), readiness);
    expect(await readyValue(metrics)).toBe("1");
    const remove = readiness.register("consumer sink", () => "joining");
    expect(await readyValue(metrics)).toBe("0");
    remove();
    expect(await readyValue(metrics)).toBe("1");
  });
});
