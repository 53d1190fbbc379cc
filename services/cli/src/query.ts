import { clickhouseEnvSchema, createClickHouse, packedQuerySql, queryPack } from "@cx/clickhouse";
import { ConfigError, loadConfig } from "@cx/config";
import { UsageError } from "./usage-error";

export interface QueryOptions {
  param: string[];
  list?: boolean;
  json?: boolean;
}

/** What `cx query` does: the list, or one query's rows as a table or JSON. */
export async function runQuery(name: string | undefined, options: QueryOptions): Promise<void> {
  const pack = queryPack();
  if (options.list || !name) {
    for (const query of pack) {
      const params = query.params.map((param) => `--param ${param.name}=<${param.type}>`).join(" ");
      console.log(`${query.name} ${params}\n    ${query.description}`);
    }
    return;
  }
  const query = pack.find((entry) => entry.name === name);
  if (!query)
    throw new UsageError(`no query ${name}; there are: ${pack.map((entry) => entry.name).join(", ")}`);
  const params: Record<string, string> = {};
  for (const pair of options.param) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--param ${pair}: expected key=value`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const missing = query.params.filter((param) => params[param.name] === undefined);
  if (missing.length > 0)
    throw new UsageError(
      `${name} needs ${missing.map((param) => `--param ${param.name}=<${param.type}>`).join(" ")}`,
    );
  const unknown = Object.keys(params).filter((key) => !query.params.some((param) => param.name === key));
  if (unknown.length > 0) throw new UsageError(`${name} has no parameter ${unknown.join(", ")}`);
  let env: ReturnType<typeof clickhouseEnvSchema.parse>;
  try {
    env = loadConfig(clickhouseEnvSchema);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const clickhouse = createClickHouse(env);
  try {
    const result = await clickhouse.client.query({
      query: packedQuerySql(query, clickhouse.database),
      query_params: params,
      format: "JSONEachRow",
    });
    const rows = await result.json<Record<string, unknown>>();
    if (options.json) console.log(JSON.stringify(rows));
    else if (rows.length === 0) console.log("(no rows)");
    else console.table(rows);
  } finally {
    await clickhouse.close();
  }
}
