export { type ClickHouseEnv, clickhouseEnvSchema } from "./clickhouse-config";
export { type ClickHouse, createClickHouse } from "./create-clickhouse";
export { loadMigrations, type Migration, migrate } from "./migrate";
export { type PackedQuery, packedQuerySql, queryPack } from "./query-pack";
