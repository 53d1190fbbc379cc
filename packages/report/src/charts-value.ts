import { baseOption, type ChartSpec, numberOf, percent } from "./chart-spec";

export const valueDecilesChart: ChartSpec = {
  id: "value-deciles",
  title: "Value deciles",
  shows:
    "Each tenth of customers ranked by value (10 = the most valuable) and the share of net revenue it brings, as of now.",
  query: "value-deciles",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    return baseOption({
      legend: { top: 0 },
      xAxis: { type: "category", name: "decile", data: rows.map((row) => String(numberOf(row, "decile"))) },
      yAxis: [
        { type: "value", name: "% of net revenue" },
        { type: "value", name: "average value", splitLine: { show: false } },
      ],
      series: [
        {
          name: "share of net revenue (%)",
          type: "bar",
          data: rows.map((row) => percent(numberOf(row, "revenue_share"))),
        },
        {
          name: "average value",
          type: "line",
          yAxisIndex: 1,
          data: rows.map((row) => numberOf(row, "average_value")),
        },
      ],
    });
  },
};

export const concentrationChart: ChartSpec = {
  id: "revenue-concentration",
  title: "Concentration of net revenue",
  shows:
    "The share of net revenue the top x % of customers by value bring (the 20/80 check), against an even spread, as of now.",
  query: "revenue-concentration",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    return baseOption({
      legend: { top: 0 },
      // The name under the axis: at its end it was cut off by the chart's edge.
      xAxis: {
        type: "value",
        name: "top % of customers",
        nameLocation: "middle",
        nameGap: 28,
        min: 0,
        max: 100,
      },
      yAxis: { type: "value", name: "% of net revenue" },
      series: [
        {
          name: "top customers' share",
          type: "line",
          symbol: "none",
          data: [
            [0, 0],
            ...rows.map((row) => [numberOf(row, "top_percent"), percent(numberOf(row, "revenue_share"))]),
          ],
          markLine: { symbol: "none", label: { formatter: "top 20 %" }, data: [{ xAxis: 20 }] },
        },
        {
          name: "even spread",
          type: "line",
          symbol: "none",
          lineStyle: { type: "dashed" },
          data: [
            [0, 0],
            [100, 100],
          ],
        },
      ],
    });
  },
};
