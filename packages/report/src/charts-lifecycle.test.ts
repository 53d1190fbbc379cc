import { describe, expect, it } from "vitest";
import { stageCountsChart, stageFlowChart } from "./charts-lifecycle";

describe("lifecycle charts", () => {
  it("draws the flow with each stage on both sides, so moves back and forth make no cycle", () => {
    const option = stageFlowChart.option([
      { from_stage: "active", to_stage: "at_risk", customers: 4 },
      { from_stage: "at_risk", to_stage: "active", customers: 2 },
      { from_stage: "", to_stage: "new", customers: 9 },
    ]) as { series: { links: { source: string; target: string; value: number }[] }[] };
    const links = option.series[0]?.links ?? [];
    const sources = new Set(links.map((link) => link.source));
    expect(links.every((link) => !sources.has(link.target))).toBe(true);
    expect(links).toContainEqual({ source: "first seen", target: "new (to)", value: 9 });
  });

  it("has nothing to draw when every count is zero (a period before any customer)", () => {
    expect(stageCountsChart.option([{ day: "2026-01-01", stage: "new", customers: 0 }])).toBeUndefined();
    expect(stageFlowChart.option([])).toBeUndefined();
  });
});
