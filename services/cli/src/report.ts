import { clickhouseEnvSchema, createClickHouse, describeClickHouse } from "@cx/clickhouse";
import { writeReport } from "@cx/report";
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

/** What `cx report` does: the page from ClickHouse, then where it is. */
export async function runReport(options: { out: string; from?: string; to?: string }): Promise<void> {
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
}
