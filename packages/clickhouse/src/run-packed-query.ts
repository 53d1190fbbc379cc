import type { ClickHouse } from "./create-clickhouse";
import { packedQuerySql, queryPack } from "./query-pack";

export type PackedRow = Record<string, unknown>;

/** ClickHouse sends 64-bit integers as strings in JSON; callers that compute want numbers. */
function numbersAsNumbers(row: PackedRow): PackedRow {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === "string" && value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value,
    ]),
  );
}

/**
 * Runs a query of the pack by name with bound parameters (one SQL text for the CLI, the demo's
 * summary, the report and the tests); numeric strings come back as numbers.
 */
export async function runPackedQuery(
  clickhouse: ClickHouse,
  name: string,
  params: Record<string, unknown> = {},
): Promise<PackedRow[]> {
  const query = queryPack().find((candidate) => candidate.name === name);
  if (!query) throw new Error(`no query ${name} in the pack`);
  const result = await clickhouse.client.query({
    query: packedQuerySql(query, clickhouse.database),
    query_params: params,
    format: "JSONEachRow",
  });
  return (await result.json<PackedRow>()).map(numbersAsNumbers);
}
