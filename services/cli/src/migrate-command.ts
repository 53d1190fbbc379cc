import { clickhouseEnvSchema, createClickHouse, migrate } from "@cx/clickhouse";
import { createLogger } from "@cx/logging";
import type { Command } from "commander";
import { commandEnv } from "./command-env";

/** `cx migrate`: brings ClickHouse to the newest migration and lists what is applied. */
export function addMigrateCommand(program: Command): void {
  program
    .command("migrate")
    .description(
      "apply the ClickHouse migrations (packages/clickhouse/migrations) that are not applied yet and list them all. " +
        "Uses CLICKHOUSE_URL (or the embedded engine in CLICKHOUSE_DATA_DIR) and CLICKHOUSE_DATABASE.",
    )
    .action(async () => {
      const env = commandEnv(clickhouseEnvSchema);
      const clickhouse = createClickHouse(env);
      try {
        await migrate(clickhouse, createLogger("cx", "warn"));
        const applied = await clickhouse.client.query({
          query: `SELECT version, name, applied_at FROM ${clickhouse.table("schema_migrations")} FINAL ORDER BY version`,
          format: "JSONEachRow",
        });
        console.table(await applied.json());
      } finally {
        await clickhouse.close();
      }
    });
}
