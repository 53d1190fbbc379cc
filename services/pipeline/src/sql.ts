import { clickhouseEnvSchema, createClickHouse } from "@cx/clickhouse";
import { loadConfig } from "@cx/config";

/**
 * `npm run sql -- "SELECT ..."`: one query against the configured ClickHouse (the embedded data in
 * .data/clickhouse unless CLICKHOUSE_URL is set), printed as a table. The embedded engine locks its
 * folder, so run it while no pipeline process holds that folder.
 */
const query = process.argv.slice(2).join(" ").trim();
if (!query) {
  console.error('usage: npm run sql -- "SELECT channel, count() FROM cx.touchpoints FINAL GROUP BY channel"');
  process.exit(2);
}
const clickhouse = createClickHouse(loadConfig(clickhouseEnvSchema));
try {
  const result = await clickhouse.client.query({ query, format: "JSONEachRow" });
  console.table(await result.json());
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await clickhouse.close();
}
