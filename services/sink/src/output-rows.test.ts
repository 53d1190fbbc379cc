import { migrate } from "@cx/clickhouse";
import { CustomerEnricher } from "@cx/enrichment";
import { createLogger } from "@cx/logging";
import { freshClickHouse, money, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { enrichedRow, profileRow } from "./output-rows";

const logger = createLogger("output-rows-test", "error");
const source = { cluster: "test", partition: 0, offset: "7" };

describe("rows of the enriched touchpoints and profiles", () => {
  it("carry the holdout flag into ClickHouse, and rows written without it read as treatment", async () => {
    const clickhouse = freshClickHouse("rows");
    try {
      await migrate(clickhouse, logger);
      const enricher = new CustomerEnricher();
      const held = touchpointOnDay(1, {
        type: "purchase",
        amount: money(2500),
        identifiers: { loyaltyId: "L-held" },
      });
      const treated = touchpointOnDay(1, { identifiers: { loyaltyId: "L-treated" } });
      const heldSnapshot = enricher.process(held).snapshot;
      const treatedSnapshot = enricher.process(treated).snapshot;
      const heldRow = enrichedRow(
        { customerId: heldSnapshot.customerId, touchpoint: held, profile: heldSnapshot, holdout: true },
        source,
        new Date().toISOString(),
      );
      const treatedRow = enrichedRow(
        {
          customerId: treatedSnapshot.customerId,
          touchpoint: treated,
          profile: treatedSnapshot,
          holdout: false,
        },
        source,
        new Date().toISOString(),
      );
      expect([heldRow.holdout, treatedRow.holdout]).toEqual([true, false]);
      // A row as the sink wrote it before migration 0008: no holdout column at all.
      const { holdout: _notRecordedThen, ...olderRow } = {
        ...treatedRow,
        event_id: "older",
        customer_id: "cus_older",
      };
      await clickhouse.client.insert({
        table: clickhouse.table("enriched_touchpoints"),
        values: [heldRow, treatedRow, olderRow],
        format: "JSONEachRow",
      });
      const profile = profileRow(
        {
          customerId: heldSnapshot.customerId,
          updatedAt: held.occurredAt,
          mergedInto: null,
          snapshot: heldSnapshot,
          state: null,
          holdout: true,
        },
        source,
      );
      expect(profile.holdout).toBe(true);
      await clickhouse.client.insert({
        table: clickhouse.table("customer_profiles"),
        values: [profile],
        format: "JSONEachRow",
      });
      const read = async (query: string) =>
        (await clickhouse.client.query({ query, format: "JSONEachRow" })).json<Record<string, unknown>>();
      expect(
        await read(
          `SELECT customer_id, holdout FROM ${clickhouse.table("enriched_touchpoints")} ORDER BY customer_id`,
        ),
      ).toEqual(
        [
          { customer_id: heldSnapshot.customerId, holdout: true },
          { customer_id: treatedSnapshot.customerId, holdout: false },
          { customer_id: "cus_older", holdout: false },
        ].sort((a, b) => a.customer_id.localeCompare(b.customer_id)),
      );
      expect(await read(`SELECT customer_id, holdout FROM ${clickhouse.table("customer_profiles")}`)).toEqual(
        [{ customer_id: heldSnapshot.customerId, holdout: true }],
      );
    } finally {
      await clickhouse.close();
    }
  });
});
