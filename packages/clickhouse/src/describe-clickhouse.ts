import type { ClickHouseEnv } from "./clickhouse-config";

/** Where the data lives, for people to read: the server's origin (never its credentials) or the embedded folder. */
export function describeClickHouse(env: ClickHouseEnv): string {
  const where = env.CLICKHOUSE_URL
    ? `ClickHouse at ${new URL(env.CLICKHOUSE_URL).origin}`
    : `the embedded ClickHouse in ${env.CLICKHOUSE_DATA_DIR}`;
  return `${where} (database ${env.CLICKHOUSE_DATABASE})`;
}
