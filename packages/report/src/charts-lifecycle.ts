import { baseOption, type ChartSpec, distinct, numberOf, textOf } from "./chart-spec";

export const stageCountsChart: ChartSpec = {
  id: "lifecycle-stage-counts",
  title: "Customers per lifecycle stage",
  shows: "How many customers were in each lifecycle stage at the end of every day of the period.",
  query: "lifecycle-stage-counts",
  option: (rows) => {
    if (rows.every((row) => numberOf(row, "customers") === 0)) return undefined;
    const days = distinct(rows.map((row) => textOf(row, "day")));
    const stages = distinct(rows.map((row) => textOf(row, "stage")));
    return baseOption({
      legend: { top: 0 },
      xAxis: { type: "category", data: days },
      yAxis: { type: "value", name: "customers" },
      series: stages.map((stage) => {
        const byDay = new Map(
          rows
            .filter((row) => textOf(row, "stage") === stage)
            .map((row) => [textOf(row, "day"), numberOf(row, "customers")]),
        );
        return {
          name: stage,
          type: "line",
          stack: "customers",
          areaStyle: {},
          symbol: "none",
          data: days.map((day) => byDay.get(day) ?? 0),
        };
      }),
    });
  },
};

/** Stages appear twice, as where customers came from and where they went, so the flow has no cycles. */
const fromNode = (stage: string) => (stage === "" ? "first seen" : `${stage} (from)`);
const toNode = (stage: string) => `${stage} (to)`;

export const stageFlowChart: ChartSpec = {
  id: "lifecycle-transitions",
  title: "Flow between lifecycle stages",
  shows:
    "Customers moving from one lifecycle stage (left) to another (right) during the period; first seen = new customers.",
  query: "lifecycle-transitions",
  option: (rows) => {
    const moves = rows.filter((row) => numberOf(row, "customers") > 0);
    if (moves.length === 0) return undefined;
    const nodes = distinct([
      ...moves.map((row) => fromNode(textOf(row, "from_stage"))),
      ...moves.map((row) => toNode(textOf(row, "to_stage"))),
    ]);
    return baseOption({
      tooltip: { trigger: "item" },
      series: [
        {
          type: "sankey",
          left: 24,
          right: 120,
          emphasis: { focus: "adjacency" },
          data: nodes.map((name) => ({ name })),
          links: moves.map((row) => ({
            source: fromNode(textOf(row, "from_stage")),
            target: toNode(textOf(row, "to_stage")),
            value: numberOf(row, "customers"),
          })),
        },
      ],
    });
  },
};
