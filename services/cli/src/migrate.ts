import { clickhouseEnvSchema, createClickHouse, migrate } from "@cx/clickhouse";
import { createLogger } from "@cx/logging";
import { commandEnv } from "./command-env";

/** What `cx migrate` does: the newest migration, then the table of what is applied. */
export async function runMigrate(): Promise<void> {
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
}
