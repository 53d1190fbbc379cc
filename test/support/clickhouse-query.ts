/**
 * Runs queries against a service's ClickHouse from its environment (CLICKHOUSE_URL, or the embedded
 * engine's CLICKHOUSE_DATA_DIR) and prints the rows as one JSON line: how a test reads what a sink
 * process wrote, in a process of its own (only one process may hold a chDB data directory, and one
 * test worker one embedded engine). Argument: a JSON object of name → SQL, `{db}` naming the database.
 */
import { clickhouseEnvSchema, createClickHouse } from "@cx/clickhouse";

const queries = JSON.parse(process.argv[2] ?? "{}") as Record<string, string>;
const clickhouse = createClickHouse(clickhouseEnvSchema.parse(process.env));
const results: Record<string, unknown[]> = {};
try {
  for (const [name, sql] of Object.entries(queries)) {
    const result = await clickhouse.client.query({
      query: sql.replaceAll("{db}", clickhouse.database),
      format: "JSONEachRow",
    });
    results[name] = await result.json();
  }
} finally {
  await clickhouse.close();
}
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
