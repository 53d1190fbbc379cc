import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ClickHouse } from "@cx/clickhouse";
import { readChartLibrary } from "./chart-library";
import { loadReportData, periodHeld } from "./load-report-data";
import { renderReport } from "./render-report";
import type { ReportPeriod } from "./report-data";

export interface WriteReportOptions {
  readonly out: string;
  /** Unset: the whole period the database holds. */
  readonly from?: string;
  readonly to?: string;
  readonly source: string;
}

/** Reads the report's data from ClickHouse and writes the page; returns the file's absolute path. */
export async function writeReport(clickhouse: ClickHouse, options: WriteReportOptions): Promise<string> {
  const today = new Date().toISOString().slice(0, 10);
  const held = options.from && options.to ? undefined : await periodHeld(clickhouse, today);
  const period: ReportPeriod = {
    from: options.from ?? held?.from ?? today,
    to: options.to ?? held?.to ?? today,
  };
  const data = await loadReportData(clickhouse, period, options.source);
  const html = renderReport(data, { chartLibrary: readChartLibrary() });
  const path = resolve(options.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
  return path;
}
