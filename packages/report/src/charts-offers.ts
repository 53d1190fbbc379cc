import { baseOption, type ChartSpec, distinct, numberOf, percent, textOf } from "./chart-spec";

export const offerFunnelChart: ChartSpec = {
  id: "offer-funnel",
  title: "Offers: decided → delivered → accepted",
  shows:
    "Per offer, the decisions made in the period, how many the webhook dispatcher delivered (zero where it does not run, as in npm start), and how many customers accepted.",
  query: "offer-funnel",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    const offers = rows.map((row) => textOf(row, "offer_id"));
    return baseOption({
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: offers, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: "decisions" },
      series: ["decided", "delivered", "accepted"].map((stage) => ({
        name: stage,
        type: "bar",
        data: rows.map((row) => numberOf(row, stage)),
      })),
    });
  },
};

export const acceptanceBySegmentChart: ChartSpec = {
  id: "offer-acceptance-by-segment",
  title: "Acceptance by lifecycle stage and value tier",
  shows:
    "The share of offers decided in the period that were accepted, by the customer's lifecycle stage and value tier when the offer was made.",
  query: "offer-acceptance-by-segment",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    const tiers = distinct(rows.map((row) => textOf(row, "tier")));
    const stages = distinct(rows.map((row) => textOf(row, "stage")));
    const rates = rows.map((row) => percent(numberOf(row, "acceptance_rate")));
    return baseOption({
      tooltip: { trigger: "item" },
      xAxis: { type: "category", name: "tier", data: tiers },
      yAxis: { type: "category", name: "stage", data: stages },
      visualMap: {
        min: 0,
        max: Math.max(1, ...rates),
        calculable: true,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        text: ["% accepted", ""],
      },
      grid: { left: 56, right: 56, top: 32, bottom: 72, containLabel: true },
      series: [
        {
          name: "% accepted",
          type: "heatmap",
          label: { show: true },
          data: rows.map((row, index) => [
            tiers.indexOf(textOf(row, "tier")),
            stages.indexOf(textOf(row, "stage")),
            rates[index],
          ]),
        },
      ],
    });
  },
};

export const suppressionsChart: ChartSpec = {
  id: "suppressions",
  title: "Suppressions by reason",
  shows:
    "Offers the contact policy held back in the period, by reason, split by the channel they would have gone out on.",
  query: "suppressions",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    const totals = new Map<string, number>();
    for (const row of rows)
      totals.set(
        textOf(row, "reason"),
        (totals.get(textOf(row, "reason")) ?? 0) + numberOf(row, "suppressed"),
      );
    const reasons = [...totals].sort((a, b) => a[1] - b[1]).map(([reason]) => reason); // largest on top
    const channels = distinct(rows.map((row) => textOf(row, "channel")));
    return baseOption({
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", name: "suppressed" },
      yAxis: { type: "category", data: reasons },
      series: channels.map((channel) => ({
        name: channel,
        type: "bar",
        stack: "suppressed",
        data: reasons.map((reason) =>
          rows
            .filter((row) => textOf(row, "reason") === reason && textOf(row, "channel") === channel)
            .reduce((sum, row) => sum + numberOf(row, "suppressed"), 0),
        ),
      })),
    });
  },
};
