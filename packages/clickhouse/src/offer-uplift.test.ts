import { createLogger } from "@cx/logging";
import { seededRandom } from "@cx/random";
import {
  freshClickHouse,
  type UpliftStageChangeRow,
  type UpliftTouchpointRow,
  upliftDifferences,
  upliftFromRawRows,
} from "@cx/testing";
import { describe, expect, it } from "vitest";
import { type ClickHouse, migrate, runPackedQuery } from "./index";

const logger = createLogger("offer-uplift-test", "error");
const dayMs = 24 * 60 * 60 * 1000;
const period = { from: "2026-03-01", to: "2026-03-31" };
const periodStart = Date.parse("2026-03-01T00:00:00Z");
const periodEnd = Date.parse("2026-04-01T00:00:00Z"); // exclusive: the end of the last day

type TouchpointRow = UpliftTouchpointRow & { type: "purchase" | "return" | "visit" | "complaint" };

/**
 * Customers of both groups with purchases, returns, visits and stage changes before, in and after
 * the period, and the cases the query must get right: a customer seen only before the period
 * (counted, with zeros), one first seen after it (not counted), one merged into another (not
 * counted), one whose flag changed (the latest by the period's end counts), a purchase without an
 * amount (no purchase day), two purchases on one day (one day) and rows stored twice.
 */
function sampleRows() {
  const random = seededRandom(20260301);
  const touchpoints: TouchpointRow[] = [];
  const stageChanges: UpliftStageChangeRow[] = [];
  let sequence = 0;
  const touchpoint = (
    customer: string,
    at: number,
    type: TouchpointRow["type"],
    amount: number | null,
    holdout: boolean,
  ) =>
    touchpoints.push({
      event_id: `e${sequence++}`,
      customer_id: customer,
      occurred_at: at,
      type,
      amount_minor: amount,
      holdout,
    });
  const anyTime = () => periodStart - 40 * dayMs + Math.floor(random() * 100 * dayMs);
  for (let index = 0; index < 90; index++) {
    const customer = `cus_${index.toString().padStart(3, "0")}`;
    const holdout = index % 4 === 0; // 23 held out, 67 treated
    // Treated customers buy a little more often, so there is a difference to find.
    const purchases = Math.floor(random() * (holdout ? 4 : 6));
    // Seen before the period, so every one of the 90 is counted.
    touchpoint(customer, periodStart - dayMs - Math.floor(random() * 30 * dayMs), "visit", null, holdout);
    for (let purchase = 0; purchase < purchases; purchase++) {
      const at = anyTime();
      touchpoint(customer, at, "purchase", 500 + Math.floor(random() * 9000), holdout);
      if (random() < 0.3) touchpoint(customer, at + 60_000, "purchase", 1999, holdout); // same day
      if (random() < 0.2)
        touchpoint(customer, at + dayMs, "return", -(100 + Math.floor(random() * 2000)), holdout);
    }
    if (random() < 0.1) touchpoint(customer, anyTime(), "purchase", null, holdout);
    if (random() < 0.15) touchpoint(customer, anyTime(), "complaint", null, holdout);
    if (random() < (holdout ? 0.35 : 0.25))
      stageChanges.push({
        customer_id: customer,
        to_stage: random() < 0.5 ? "at_risk" : "lapsed",
        changed_at: anyTime(),
        event_id: `s${sequence++}`,
      });
    if (random() < 0.2)
      stageChanges.push({
        customer_id: customer,
        to_stage: "active",
        changed_at: anyTime(),
        event_id: `s${sequence++}`,
      });
  }
  touchpoint("cus_only_before", periodStart - 10 * dayMs, "purchase", 5000, false);
  touchpoint("cus_only_after", periodEnd + dayMs, "purchase", 7000, true);
  touchpoint("cus_merged_away", periodStart + dayMs, "purchase", 9000, true);
  touchpoint("cus_regrouped", periodStart - 5 * dayMs, "purchase", 3000, false);
  touchpoint("cus_regrouped", periodStart + 5 * dayMs, "purchase", 4000, true);
  touchpoint("cus_regrouped", periodEnd + 5 * dayMs, "visit", null, false);
  stageChanges.push({
    customer_id: "cus_regrouped",
    to_stage: "lapsed",
    changed_at: periodStart + 6 * dayMs,
    event_id: "s-regrouped",
  });
  stageChanges.push({
    customer_id: "cus_only_after",
    to_stage: "at_risk",
    changed_at: periodEnd + 2 * dayMs,
    event_id: "s-after",
  });
  return { touchpoints, stageChanges, mergedAway: ["cus_merged_away"] };
}

async function insertRows(clickhouse: ClickHouse, rows: ReturnType<typeof sampleRows>) {
  const iso = (at: number) => new Date(at).toISOString();
  const source = { ingested_at: iso(periodEnd), source_cluster: "test", source_partition: 0 };
  const enriched = rows.touchpoints.map((row, offset) => ({
    ...row,
    occurred_at: iso(row.occurred_at),
    ...source,
    source_offset: offset,
  }));
  // Every tenth row again, as a redelivery that reached the table would be: FINAL counts it once.
  for (const batch of [enriched, enriched.filter((_, index) => index % 10 === 0)])
    await clickhouse.client.insert({
      table: clickhouse.table("enriched_touchpoints"),
      values: batch,
      format: "JSONEachRow",
    });
  await clickhouse.client.insert({
    table: clickhouse.table("lifecycle_stage_changes"),
    values: rows.stageChanges.map((row, offset) => ({
      ...row,
      changed_at: iso(row.changed_at),
      ...source,
      source_offset: offset,
    })),
    format: "JSONEachRow",
  });
  await clickhouse.client.insert({
    table: clickhouse.table("customer_profiles"),
    values: rows.mergedAway.map((customerId, offset) => ({
      customer_id: customerId,
      updated_at: iso(periodStart),
      merged_into: "cus_000",
      ...source,
      source_offset: offset,
    })),
    format: "JSONEachRow",
  });
}

describe("offer-uplift", () => {
  it("gives the same customers, means, differences and 95 % intervals as a plain computation from the raw rows", async () => {
    const clickhouse = freshClickHouse("uplift");
    try {
      await migrate(clickhouse, logger);
      const rows = sampleRows();
      await insertRows(clickhouse, rows);
      const found = await runPackedQuery(clickhouse, "offer-uplift", period);
      const expected = upliftFromRawRows(rows, periodStart, periodEnd);
      expect(found.map((row) => row.metric)).toEqual(expected.map((row) => row.metric));
      // The sample's edge cases are in: 90 customers, the one seen only before, the regrouped one.
      expect(found[0]?.treatment_customers).toBe(68);
      expect(found[0]?.holdout_customers).toBe(24);
      expect(upliftDifferences(found, expected)).toEqual([]);
      for (const want of expected) expect(want.standard_error, want.metric).toBeGreaterThan(0);
    } finally {
      await clickhouse.close();
    }
  });

  it("gives no interval while the holdout has fewer than 2 customers", async () => {
    const clickhouse = freshClickHouse("uplift");
    try {
      await migrate(clickhouse, logger);
      const single = (customer: string, holdout: boolean, amount: number) => ({
        event_id: `${customer}-1`,
        customer_id: customer,
        occurred_at: new Date(periodStart + dayMs).toISOString(),
        type: "purchase",
        amount_minor: amount,
        holdout,
      });
      await clickhouse.client.insert({
        table: clickhouse.table("enriched_touchpoints"),
        values: [single("cus_a", false, 1000), single("cus_b", false, 3000), single("cus_c", true, 500)],
        format: "JSONEachRow",
      });
      const [revenue] = await runPackedQuery(clickhouse, "offer-uplift", period);
      expect(revenue).toMatchObject({
        metric: "net_revenue_per_customer",
        treatment_customers: 2,
        holdout_customers: 1,
        treatment: 20,
        holdout: 5,
        difference: 15,
        standard_error: null,
        ci95_low: null,
        ci95_high: null,
      });
    } finally {
      await clickhouse.close();
    }
  });
});
