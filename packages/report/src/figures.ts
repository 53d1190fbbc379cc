import type { PackedRow } from "@cx/clickhouse";
import { numberOf } from "./chart-spec";
import type { ReportData, ReportQueryName } from "./report-data";

/** A headline number at the top of the page, with the query it comes from. */
export interface Figure {
  readonly id: string;
  readonly label: string;
  /** Undefined when there is nothing to count (an empty database or period). */
  readonly value: number | undefined;
  readonly unit: "count" | "percent";
  readonly query: ReportQueryName;
}

const total = (rows: readonly PackedRow[], column: string) =>
  rows.reduce((sum, row) => sum + numberOf(row, column), 0);

export function headlineFigures(data: ReportData): Figure[] {
  const { rows } = data;
  const topFifth = rows["revenue-concentration"].find((row) => numberOf(row, "top_percent") === 20);
  const decided = total(rows["offer-funnel"], "decided");
  return [
    {
      id: "touchpoints",
      label: "touchpoints in the period",
      value: total(rows["channel-activity"], "touchpoints"),
      unit: "count",
      query: "channel-activity",
    },
    {
      id: "customers",
      label: "customers (now)",
      value: total(rows["value-tiers"], "customers"),
      unit: "count",
      query: "value-tiers",
    },
    {
      id: "top-fifth-revenue-share",
      label: "of net revenue from the top 20 % of customers",
      value: topFifth ? numberOf(topFifth, "revenue_share") * 100 : undefined,
      unit: "percent",
      query: "revenue-concentration",
    },
    {
      id: "offers-decided",
      label: "offers decided in the period",
      value: decided,
      unit: "count",
      query: "offer-funnel",
    },
    {
      id: "offers-accepted",
      label: "of those offers accepted",
      value: decided > 0 ? (total(rows["offer-funnel"], "accepted") / decided) * 100 : undefined,
      unit: "percent",
      query: "offer-funnel",
    },
  ];
}

export function formatFigure(figure: Figure): string {
  if (figure.value === undefined) return "–";
  return figure.unit === "percent"
    ? `${figure.value.toFixed(1)} %`
    : figure.value.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** What the database holds, so the page can say why it is empty. */
export function dataState(data: ReportData): "empty-database" | "empty-period" | "data" {
  const [held] = data.rows["data-period"];
  if (!held || numberOf(held, "touchpoints") === 0) return "empty-database";
  return total(data.rows["channel-activity"], "touchpoints") === 0 ? "empty-period" : "data";
}
