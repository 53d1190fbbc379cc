import type { Command } from "commander";
/** `cx migrate`: brings ClickHouse to the newest migration and lists what is applied. */
export function addMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description(
      "apply the ClickHouse migrations (packages/clickhouse/migrations) that are not applied yet and list them all. " +
        "Uses CLICKHOUSE_URL (or the embedded engine in CLICKHOUSE_DATA_DIR) and CLICKHOUSE_DATABASE.",
    )
    .action(async () => {
      await (await import("./migrate")).runMigrate();
    });
}
