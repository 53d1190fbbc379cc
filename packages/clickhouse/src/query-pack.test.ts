import { createLogger } from "@cx/logging";
import { freshClickHouse } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { migrate, packedQuerySql, queryPack } from "./index";

const logger = createLogger("query-pack-test", "error");
const sample: Record<string, string> = { Date: "2026-01-01", String: "cus_nobody" };

describe("the query pack", () => {
  it("documents every query and runs each on the migrated schema with bound parameters", async () => {
    const clickhouse = freshClickHouse("pack");
    try {
      await migrate(clickhouse, logger);
      const pack = queryPack();
      expect(pack.map((query) => query.name)).toEqual(
        expect.arrayContaining([
          "channel-activity",
          "customer-journey",
          "offer-performance",
          "offer-uplift",
          "suppressions",
          "value-deciles",
        ]),
      );
      for (const query of pack) {
        expect(query.description.length, query.name).toBeGreaterThan(20);
        const params = Object.fromEntries(query.params.map(({ name, type }) => [name, sample[type] ?? "0"]));
        const result = await clickhouse.client.query({
          query: packedQuerySql(query, clickhouse.database),
          query_params: params,
          format: "JSONEachRow",
        });
        expect(Array.isArray(await result.json()), query.name).toBe(true);
      }
    } finally {
      await clickhouse.close();
    }
  });
});
