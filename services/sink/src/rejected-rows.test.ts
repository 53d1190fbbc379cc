import { freshClickHouse } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { insertIsolatingRejects, isRowRejection } from "./rejected-rows";

describe("rows ClickHouse rejects", () => {
  it("are found one by one and returned with the reason, while the good rows are written", async () => {
    const clickhouse = freshClickHouse("rejects");
    try {
      await clickhouse.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${clickhouse.database}` });
      const table = clickhouse.table("amounts");
      await clickhouse.client.command({
        query: `CREATE TABLE ${table} (id String, amount Int64) ENGINE = MergeTree ORDER BY id`,
      });
      const rows = [
        { id: "a", amount: 1 },
        { id: "b", amount: "lots" },
        { id: "c", amount: 3 },
      ];
      const rejected = await insertIsolatingRejects(
        rows,
        (values, token) => clickhouse.insertRows({ table, rows: values, token }),
        "batch",
        (index) => `row-${index}`,
      );
      expect(rejected).toEqual([
        { index: 1, reason: expect.stringMatching(/^ClickHouse refused the row: .*parse/i) },
      ]);
      const result = await clickhouse.client.query({
        query: `SELECT id FROM ${table} ORDER BY id`,
        format: "JSONEachRow",
      });
      expect(await result.json()).toEqual([{ id: "a" }, { id: "c" }]);
      expect(isRowRejection(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
        false,
      );
    } finally {
      await clickhouse.close();
    }
  });
});
