export { type ClickHouseEnv, clickhouseEnvSchema } from "./clickhouse-config";
export { type ClickHouse, createClickHouse } from "./create-clickhouse";
export { loadMigrations, type Migration, migrate } from "./migrate";
