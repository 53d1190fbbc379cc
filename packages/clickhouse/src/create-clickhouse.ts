import { mkdirSync } from "node:fs";
import { type ClickHouseClient, type ClickHouseSettings, createClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import type { ClickHouseEnv } from "./clickhouse-config";

/**
 * A client plus the database it works in. Every statement names its tables as `database.table`
 * because the embedded connection ignores the client's `database` option; spelling it out keeps
 * one SQL text correct on both engines.
 */
export interface ClickHouse {
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly embedded: boolean;
  /** `database.table`, for statements and inserts. */
  table(name: string): string;
  close(): Promise<void>;
}

/**
 * The same on the server and the embedded engine, so results do not depend on where they ran:
 * 64-bit integers come back as strings (no silent precision loss), and inserts accept ISO times.
 */
/**
 * chdb types its connection against @clickhouse/client-common, which the client now bundles as its
 * own copy; the shapes are the same, only the declarations differ.
 */
type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>;

const sharedSettings: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: "best_effort",
};

export function createClickHouse(env: ClickHouseEnv): ClickHouse {
  const embedded = env.CLICKHOUSE_URL === undefined;
  let client: ClickHouseClient;
  if (env.CLICKHOUSE_URL !== undefined) {
    client = createClient({
      url: env.CLICKHOUSE_URL,
      username: env.CLICKHOUSE_USER,
      password: env.CLICKHOUSE_PASSWORD,
      database: env.CLICKHOUSE_DATABASE,
      clickhouse_settings: sharedSettings,
    });
  } else {
    if (env.CLICKHOUSE_DATA_DIR !== ":memory:") mkdirSync(env.CLICKHOUSE_DATA_DIR, { recursive: true });
    client = createClient({
      connection: createChdbConnection({ path: env.CLICKHOUSE_DATA_DIR }) as unknown as ClientConnection,
      clickhouse_settings: sharedSettings,
    });
  }
  const database = env.CLICKHOUSE_DATABASE;
  return {
    client,
    database,
    embedded,
    table: (name) => `${database}.${name}`,
    close: () => client.close(),
  };
}
