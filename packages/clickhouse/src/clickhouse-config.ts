import { z } from "zod";

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain identifier (letters, digits, _)");

export const clickhouseEnvSchema = z.object({
  /** A ClickHouse server (http://host:8123). Unset: the embedded chDB engine runs in this process. */
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DATABASE: identifier.default("cx"),
  /** Where the embedded engine keeps its data; ":memory:" for a throw-away engine. */
  CLICKHOUSE_DATA_DIR: z.string().min(1).default(".data/clickhouse"),
});
export type ClickHouseEnv = z.infer<typeof clickhouseEnvSchema>;
