import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@cx/logging";
import { freshClickHouse } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { loadMigrations, migrate } from "./migrate";

const logger = createLogger("migrate-test", "error");

describe("migrate", () => {
  it("applies the project's migrations once and is a no-op the second time", async () => {
    const clickhouse = freshClickHouse("migrate");
    await migrate(clickhouse, logger);
    await migrate(clickhouse, logger);
    const ledger = await (
      await clickhouse.client.query({
        query: `SELECT count() AS n FROM ${clickhouse.table("schema_migrations")} FINAL`,
        format: "JSONEachRow",
      })
    ).json<{ n: string }>();
    expect(Number(ledger[0]?.n)).toBe(loadMigrations().length);
    const tables = await (
      await clickhouse.client.query({
        query: "SELECT name FROM system.tables WHERE database = {database:String} ORDER BY name",
        query_params: { database: clickhouse.database },
        format: "JSONEachRow",
      })
    ).json<{ name: string }>();
    expect(tables.map((table) => table.name)).toContain("touchpoints");
    await clickhouse.close();
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cx-migrations-"));
    const file = join(dir, "0001_things.sql");
    writeFileSync(
      file,
      "CREATE TABLE IF NOT EXISTS {{database}}.things (id String) ENGINE = MergeTree ORDER BY id;\n",
    );
    const clickhouse = freshClickHouse("migrate");
    await migrate(clickhouse, logger, loadMigrations(dir));
    writeFileSync(
      file,
      "CREATE TABLE IF NOT EXISTS {{database}}.things (id UInt64) ENGINE = MergeTree ORDER BY id;\n",
    );
    await expect(migrate(clickhouse, logger, loadMigrations(dir))).rejects.toThrow(
      /0001_things.sql changed after it was applied/,
    );
    await clickhouse.close();
  });
});
