import { type ClickHouse, type PackedRow, runPackedQuery } from "@cx/clickhouse";
import {
  journeyPathLimit,
  type ReportData,
  type ReportPeriod,
  type ReportQueryName,
  reportQueries,
} from "./report-data";

/** The period the database holds, for a report asked without --from/--to; today when it is empty. */
export async function periodHeld(clickhouse: ClickHouse, today: string): Promise<ReportPeriod> {
  if (!(await schemaPresent(clickhouse))) return { from: today, to: today };
  const [held] = await runPackedQuery(clickhouse, "data-period");
  if (!held || Number(held.touchpoints) === 0) return { from: today, to: today };
  return { from: String(held.first_day), to: String(held.last_day) };
}

/** Whether the database has been migrated at all (a fresh server or folder has no tables to query). */
export async function schemaPresent(clickhouse: ClickHouse): Promise<boolean> {
  const result = await clickhouse.client.query({
    query:
      "SELECT count() AS tables FROM system.tables WHERE database = {database:String} AND name = 'daily_channel_activity'",
    query_params: { database: clickhouse.database },
    format: "JSONEachRow",
  });
  const [row] = await result.json<{ tables: string | number }>();
  return Number(row?.tables ?? 0) > 0;
}

/**
 * Runs every query the report shows, with the period bound where the query takes one. A database
 * without the pipeline's tables answers as an empty one (the page says so), and nothing is created.
 */
export async function loadReportData(
  clickhouse: ClickHouse,
  period: ReportPeriod,
  source: string,
  now: Date = new Date(),
): Promise<ReportData> {
  const rows = {} as Record<ReportQueryName, PackedRow[]>;
  const present = await schemaPresent(clickhouse);
  for (const [name, { period: bound }] of Object.entries(reportQueries) as [
    ReportQueryName,
    { period: boolean },
  ][]) {
    const params: Record<string, unknown> = bound ? { ...period } : {};
    if (name === "journey-paths") params.limit = journeyPathLimit;
    rows[name] = present ? await runPackedQuery(clickhouse, name, params) : [];
  }
  return { period, generatedAt: now.toISOString(), source, rows };
}
