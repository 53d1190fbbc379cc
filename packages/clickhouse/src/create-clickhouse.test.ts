import { freshClickHouse } from "@cx/testing";
import { describe, expect, it } from "vitest";

describe("insertRows", () => {
  it("puts every value in its column, whatever the order of a row's keys", async () => {
    const clickhouse = freshClickHouse("insert_rows");
    const table = clickhouse.table("pairs");
    try {
      await clickhouse.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${clickhouse.database}` });
      await clickhouse.client.command({
        query: `CREATE TABLE ${table} (id UInt32, left String, right String) ENGINE = MergeTree ORDER BY id`,
      });
      const inherited = Object.assign(Object.create({ right: "r3" }), { id: 3, left: "l3" });
      await clickhouse.insertRows({
        table,
        rows: [
          { id: 1, left: "l1", right: "r1" },
          { right: "r2", id: 2, left: "l2" },
          inherited,
          { id: 4, left: "l4", right: "r4" },
        ],
      });
      const rows = await (
        await clickhouse.client.query({ query: `SELECT * FROM ${table} ORDER BY id`, format: "JSONEachRow" })
      ).json();
      expect(rows).toEqual([
        { id: 1, left: "l1", right: "r1" },
        { id: 2, left: "l2", right: "r2" },
        { id: 3, left: "l3", right: "r3" },
        { id: 4, left: "l4", right: "r4" },
      ]);
    } finally {
      await clickhouse.close();
    }
  });
});
