import type { PackedRow } from "@cx/clickhouse";
import type { EChartsOption } from "echarts";
import type { ReportQueryName } from "./report-data";

/** One chart of the report: what it shows, the query behind it, and how its rows become a chart. */
export interface ChartSpec {
  /** The element id in the page (stable: tests and links use it). */
  readonly id: string;
  readonly title: string;
  /** One sentence: what the chart shows. */
  readonly shows: string;
  readonly query: ReportQueryName;
  /** The ECharts option, or undefined when the rows hold nothing to draw (the page says so instead). */
  readonly option: (rows: readonly PackedRow[]) => EChartsOption | undefined;
}

export const numberOf = (row: PackedRow, column: string): number => Number(row[column] ?? 0);
export const textOf = (row: PackedRow, column: string): string => String(row[column] ?? "");
export const percent = (share: number): number => Math.round(share * 1000) / 10;
export const distinct = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * What every chart shares: no animation (the page is read, and a screenshot shows the final
 * state), tooltips, and room for the legend above the plot.
 */
export function baseOption(option: EChartsOption): EChartsOption {
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 56, top: 48, bottom: 40, containLabel: true },
    ...option,
  };
}
