import type { Command } from "commander";

/** `cx report --out FILE.html [--from DAY] [--to DAY]`: the HTML report of what ClickHouse holds. */
export function addReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "write one self-contained HTML page (charts inline, no network needed) of lifecycle, value, journeys, service and offers " +
        "from ClickHouse: CLICKHOUSE_URL, or the embedded engine in CLICKHOUSE_DATA_DIR; CLICKHOUSE_DATABASE.",
    )
    .requiredOption("--out <file>", "where to write the page, e.g. report.html")
    .option("--from <day>", "first day (YYYY-MM-DD); default: the first day the database holds")
    .option("--to <day>", "last day (YYYY-MM-DD); default: the last day the database holds")
    .action(async (options: { out: string; from?: string; to?: string }) => {
      await (await import("./report")).runReport(options);
    });
}
