export { type ClickHouseEnv, clickhouseEnvSchema } from "./clickhouse-config";
export { type ClickHouse, createClickHouse, jsonCompactLines } from "./create-clickhouse";
export { describeClickHouse } from "./describe-clickhouse";
export { loadMigrations, type Migration, migrate } from "./migrate";
export { type PackedQuery, packedQuerySql, queryPack } from "./query-pack";
export { type PackedRow, runPackedQuery } from "./run-packed-query";
