import type { Command } from "commander";
import type { QueryOptions } from "./query";

const collect = (value: string, previous: string[]) => [...previous, value];

/** `cx query NAME [--param k=v]…`: runs one query of the pack and prints the result as a table. */
export function addQueryCommand(program: Command): void {
  program
    .command("query")
    .description(
      "run a query of the analysts' pack (packages/clickhouse/queries) against ClickHouse and print a table; " +
        "`cx query --list` shows them. Uses CLICKHOUSE_URL (or the embedded engine in CLICKHOUSE_DATA_DIR) and CLICKHOUSE_DATABASE.",
    )
    .argument("[name]", "the query, e.g. offer-performance")
    .option(
      "--param <key=value>",
      "a bound parameter (repeatable), e.g. --param from=2026-01-01",
      collect,
      [],
    )
    .option("--list", "list the queries and their parameters")
    .option("--json", "print JSON rows instead of a table")
    .action(async (name: string | undefined, options: QueryOptions) => {
      await (await import("./query")).runQuery(name, options);
    });
}
