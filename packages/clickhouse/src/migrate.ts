import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@cx/logging";
import type { ClickHouse } from "./create-clickhouse";

export interface Migration {
  readonly file: string;
  readonly version: number;
  readonly name: string;
  readonly statements: string[];
  readonly checksum: string;
}

const migrationsDir = fileURLToPath(new URL("../migrations/", import.meta.url));

/**
 * migrations/NNNN_name.sql, in version order. Statements end with ";" at the end of a line, and
 * `{{database}}` stands for the target database (validated as an identifier by the config).
 * Every statement must be idempotent (IF NOT EXISTS), so two processes migrating at once are harmless.
 */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: /^(\d+)_([\w-]+)\.sql$/.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => {
      const text = readFileSync(join(dir, file), "utf8");
      const statements = text
        .split(/;\s*$/m)
        .map((statement) =>
          statement
            .split("\n")
            .filter((line) => !line.trim().startsWith("--"))
            .join("\n")
            .trim(),
        )
        .filter((statement) => statement.length > 0);
      const checksum = createHash("sha256").update(text).digest("hex");
      return { file, version: Number(match[1]), name: match[2] ?? file, statements, checksum };
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Brings the database up to the newest migration. An applied migration whose file has changed
 * since is an error: history is fixed, changes go in a new file.
 */
export async function migrate(
  clickhouse: ClickHouse,
  logger: Logger,
  migrations = loadMigrations(),
): Promise<void> {
  const { client, database } = clickhouse;
  const ledger = clickhouse.table("schema_migrations");
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ledger} (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const applied = await (
    await client.query({ query: `SELECT version, checksum FROM ${ledger} FINAL`, format: "JSONEachRow" })
  ).json<{ version: number; checksum: string }>();
  const appliedChecksums = new Map(applied.map((row) => [Number(row.version), row.checksum]));

  for (const migration of migrations) {
    const recorded = appliedChecksums.get(migration.version);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new Error(
          `migration ${migration.file} changed after it was applied; put changes in a new file`,
        );
      }
      continue;
    }
    for (const statement of migration.statements) {
      await client.command({ query: statement.replaceAll("{{database}}", database) });
    }
    await client.insert({
      table: ledger,
      values: [
        {
          version: migration.version,
          name: migration.name,
          checksum: migration.checksum,
          applied_at: new Date().toISOString(),
        },
      ],
      format: "JSONEachRow",
    });
    logger.info({ version: migration.version, name: migration.name, database }, "applied migration");
  }
}
