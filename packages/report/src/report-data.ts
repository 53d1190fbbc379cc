import type { PackedRow } from "@cx/clickhouse";

/** Days as YYYY-MM-DD, both inclusive, as the query pack's `from`/`to` take them. */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

/** The queries of the pack the report shows, and whether each is bound to the period. */
export const reportQueries = {
  "data-period": { period: false },
  "channel-activity": { period: true },
  "lifecycle-stage-counts": { period: true },
  "lifecycle-transitions": { period: true },
  "value-deciles": { period: false },
  "value-tiers": { period: false },
  "revenue-concentration": { period: false },
  "journey-paths": { period: false },
  "service-by-channel": { period: true },
  "offer-funnel": { period: true },
  "offer-acceptance-by-segment": { period: true },
  suppressions: { period: true },
} as const satisfies Record<string, { period: boolean }>;

export type ReportQueryName = keyof typeof reportQueries;

/** How many journey paths the report lists (the `limit` of journey-paths). */
export const journeyPathLimit = 10;

/** Everything the page is built from: the pack's answers, and where and when they came from. */
export interface ReportData {
  readonly period: ReportPeriod;
  /** ISO time the data was read. */
  readonly generatedAt: string;
  /** Where the data came from, e.g. the embedded engine's folder or the server's URL (no secrets). */
  readonly source: string;
  readonly rows: Readonly<Record<ReportQueryName, readonly PackedRow[]>>;
}
