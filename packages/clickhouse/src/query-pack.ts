import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const queriesDir = fileURLToPath(new URL("../queries/", import.meta.url));

export interface PackedQuery {
  readonly name: string;
  /** The first comment lines: what the query answers. */
  readonly description: string;
  /** Bound parameters, from the SQL's {name:Type} placeholders. */
  readonly params: { name: string; type: string }[];
  readonly sql: string;
}

/** The analysts' query pack: packages/clickhouse/queries/NAME.sql. */
export function queryPack(): PackedQuery[] {
  return readdirSync(queriesDir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(queriesDir, file), "utf8");
      const description = sql
        .split("\n")
        .filter((line) => line.startsWith("--") && !line.startsWith("-- params:"))
        .map((line) => line.replace(/^--\s?/, ""))
        .join(" ");
      const params = [
        ...new Map([...sql.matchAll(/\{(\w+):([\w()]+)\}/g)].map((m) => [m[1] as string, m[2] as string])),
      ].map(([name, type]) => ({ name, type }));
      return { name: file.replace(/\.sql$/, ""), description, params, sql };
    });
}

/** The query for a database: table names spelled out; parameter values stay bound, never spliced. */
export function packedQuerySql(query: PackedQuery, database: string): string {
  return query.sql.replaceAll("{{database}}", database);
}
