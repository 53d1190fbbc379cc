import { migrate, runPackedQuery } from "@cx/clickhouse";
import type { Touchpoint } from "@cx/contracts";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { careKinds, holdoutSettings, isHeldOut, recoveryKinds } from "@cx/offers";
import { offersEnvSchema, startOffersService } from "@cx/offers-service";
import { sinkEnvSchema, startSink } from "@cx/sink";
import {
  freshClickHouse,
  offerStoryVariables,
  purchaseOf,
  readUpliftRows,
  touchpointOnDay,
  upliftDifferences,
  upliftFromRawRows,
  wholeDaysOf,
} from "@cx/testing";
import { describe, expect, it } from "vitest";
import { publishTouchpoints, readDecisions, waitForGroups } from "./support/pipeline";

const logger = createLogger("holdout-e2e", process.env.TEST_LOG_LEVEL ?? "warn");

/**
 * Half the customers held out, under a fixed salt: customer ids follow from the loyalty ids, so
 * the split is the same on every run (seven held out, five treated).
 */
const variables = offerStoryVariables({
  OFFERS_HOLDOUT_PERCENT: "50",
  OFFERS_HOLDOUT_SALT: "holdout-e2e-salt",
});
const cards = Array.from({ length: 12 }, (_, index) => `L-holdout-${index}`);

/**
 * One customer's life: purchases and a cart that bring marketing to a treated customer of any tier;
 * a complaint (odd customers) or a service request (even ones) that brings care, resolved the next
 * day (so marketing may follow again); and for most a visit long after the last purchase that finds
 * them at risk. Amounts, the number of purchases and the late visit differ between customers, so
 * value tiers and the uplift's figures do.
 */
function story(loyaltyId: string, index: number): Touchpoint[] {
  const identifiers = { loyaltyId };
  const spend = 3000 + index * 700;
  const purchaseDays = [1, 20, 40, 48].slice(0, 2 + (index % 3));
  return [
    touchpointOnDay(0, {
      channel: "web",
      type: "consent_change",
      consent: { scope: "all", granted: true },
      identifiers,
    }),
    ...purchaseDays.map((day) => touchpointOnDay(day, { ...purchaseOf(spend + day * 10), identifiers })),
    touchpointOnDay(30, { channel: "web", type: "cart", identifiers }),
    // Before anyone is due to turn at risk: a touchpoint that changes the stage is decided on the
    // stage's trigger, not its own.
    touchpointOnDay(35, {
      channel: "phone",
      ...(index % 2 ? { type: "complaint", sentiment: -0.8 } : { type: "service_request" }),
      identifiers,
    }),
    touchpointOnDay(36, { channel: "phone", type: "service_resolved", identifiers }),
    ...(index % 4 === 3 ? [] : [touchpointOnDay(130, { channel: "web", type: "visit", identifiers })]),
  ];
}
const careTriggers = ["complaint", "service_request"];

const isMarketingKind = (kind: string | undefined) =>
  kind !== undefined && !careKinds.includes(kind as never);

describe("the universal holdout on the real broker and registry", () => {
  it("keeps marketing from held-out customers while care reaches them, records it as holdout, markets to the rest; offer-uplift matches the raw rows", async () => {
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const holdout = holdoutSettings(env);
    const kafka = createKafka(env, logger);
    const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
    const clickhouse = freshClickHouse("holdout_e2e");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({ ...variables, CLICKHOUSE_DATABASE: clickhouse.database });
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    try {
      const touchpoints = cards
        .flatMap((card, index) => story(card, index))
        .sort((left, right) => left.occurredAt - right.occurredAt);
      await publishTouchpoints(kafka, env, touchpoints, registry);
      await waitForGroups(kafka, [
        { groupId: enricherEnv.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
        { groupId: enricherEnv.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
        { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
        ...[sinkEnv.ENRICHED_TOPIC, sinkEnv.STAGE_CHANGES_TOPIC, sinkEnv.PROFILES_TOPIC].map((topic) => ({
          groupId: sinkEnv.SINK_GROUP_ID,
          topic,
        })),
      ]);
      const { offers: sent, suppressed } = await readDecisions(kafka, env, registry);
      const kindOf = (offerId: string) =>
        env.OFFERS_CATALOG_FILE.offers.find((offer) => offer.id === offerId)?.kind;

      // The customers as ClickHouse has them, in groups as the engine tells them: both populated.
      const rows = await readUpliftRows(clickhouse);
      expect(rows.touchpoints).toHaveLength(touchpoints.length);
      const customers = [...new Set(rows.touchpoints.map((row) => row.customer_id))].sort();
      expect(customers).toHaveLength(cards.length);
      const heldOut = customers.filter((customer) => isHeldOut(customer, holdout));
      const treated = customers.filter((customer) => !isHeldOut(customer, holdout));
      expect([heldOut.length, treated.length]).toEqual([7, 5]);
      const sentTo = (customer: string) => sent.filter((offer) => offer.customerId === customer);

      // No marketing on cx.offers for any held-out customer; care (recovery after their complaint
      // or service request) reaches every one of them.
      const recoveredAfterContact = (customer: string) =>
        sentTo(customer).some(
          (offer) => careTriggers.includes(offer.trigger) && recoveryKinds.includes(offer.kind as never),
        );
      for (const customer of heldOut) {
        expect(
          sentTo(customer)
            .filter((offer) => isMarketingKind(offer.kind))
            .map((offer) => offer.offerId),
          `marketing sent to held-out ${customer}`,
        ).toEqual([]);
        expect(recoveredAfterContact(customer), `recovery for held-out ${customer}`).toBe(true);
      }
      // Both kinds of contact occur among them.
      const heldOutCareTriggers = sent
        .filter((offer) => heldOut.includes(offer.customerId) && careTriggers.includes(offer.trigger))
        .map((offer) => offer.trigger);
      expect(new Set(heldOutCareTriggers)).toEqual(new Set(careTriggers));

      // What marketing would have sent a held-out customer is on cx.suppressed-decisions with
      // reason holdout, for every one of them; only for them, and only marketing.
      const heldBack = suppressed.filter((entry) => entry.reason === "holdout");
      for (const customer of heldOut)
        expect(
          heldBack.some((entry) => entry.customerId === customer),
          `holdout record for ${customer}`,
        ).toBe(true);
      for (const entry of heldBack) {
        expect(heldOut, `holdout record for treated ${entry.customerId}`).toContain(entry.customerId);
        expect(isMarketingKind(kindOf(entry.offerId)), `${entry.offerId} held back`).toBe(true);
      }

      // Every treated customer gets marketing, and care too.
      for (const customer of treated) {
        const theirs = sentTo(customer);
        expect(
          theirs.some((offer) => isMarketingKind(offer.kind)),
          `marketing sent to treated ${customer}`,
        ).toBe(true);
        expect(recoveredAfterContact(customer), `recovery for treated ${customer}`).toBe(true);
      }

      // Each customer's rows in ClickHouse are flagged in the engine's group, and `offer-uplift` (the
      // pack's SQL, as `cx query` runs it) gives every figure a plain computation from those rows gives.
      for (const row of rows.touchpoints)
        expect(row.holdout, row.customer_id).toBe(isHeldOut(row.customer_id, holdout));
      expect(rows.stageChanges.some((change) => ["at_risk", "lapsed"].includes(change.to_stage))).toBe(true);
      const period = wholeDaysOf(rows);
      const expected = upliftFromRawRows(rows, period.start, period.end);
      expect(expected.map((metric) => [metric.treatment_customers, metric.holdout_customers])).toEqual([
        [5, 7],
        [5, 7],
        [5, 7],
      ]);
      // Customers differ within the groups, so no figure is trivially zero on both sides.
      for (const metric of expected) expect(metric.standard_error, metric.metric).toBeGreaterThan(0);
      const found = await runPackedQuery(clickhouse, "offer-uplift", { from: period.from, to: period.to });
      expect(upliftDifferences(found, expected)).toEqual([]);
    } finally {
      await sink.stop();
      await offers.stop();
      await enricher.stop();
      await clickhouse.close();
    }
  }, 120_000);
});
