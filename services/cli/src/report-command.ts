import { clickhouseEnvSchema, createClickHouse, describeClickHouse } from "@cx/clickhouse";
import { writeReport } from "@cx/report";
import type { Command } from "commander";
import { z } from "zod";
import { commandEnv } from "./command-env";
import { UsageError } from "./usage-error";

const day = z.iso.date();

/** --from/--to: calendar days, both or either; unset ones come from the period the database holds. */
export function reportPeriodOptions(options: { from?: string; to?: string }): { from?: string; to?: string } {
  for (const [flag, value] of [
    ["--from", options.from],
    ["--to", options.to],
  ] as const)
    if (value !== undefined && !day.safeParse(value).success)
      throw new UsageError(`${flag} ${value}: expected a day as YYYY-MM-DD`);
  if (options.from && options.to && options.from > options.to)
    throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  return {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
}

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
      const period = reportPeriodOptions(options);
      const env = commandEnv(clickhouseEnvSchema);
      const clickhouse = createClickHouse(env);
      try {
        const path = await writeReport(clickhouse, {
          out: options.out,
          ...period,
          source: describeClickHouse(env),
        });
        console.log(`Report written to ${path}`);
      } finally {
        await clickhouse.close();
      }
    });
}
