import { migrate } from "@cx/clickhouse";
import type { Touchpoint } from "@cx/contracts";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { createInMemorySchemaRegistry, createInMemoryTransport } from "@cx/memory-transport";
import { careKinds, type OfferOutcomeRecord, recoveryKinds } from "@cx/offers";
import { type OffersEnv, offersEnvSchema, startOffersService } from "@cx/offers-service";
import { sinkEnvSchema, startSink } from "@cx/sink";
import { type OfferRecord, offerContracts, type SuppressedRecord } from "@cx/stage-records";
import { freshClickHouse, offerStoryVariables, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { publishTouchpoints, readAvroTopic, readDecisions, waitForGroups } from "./support/pipeline";

const logger = createLogger("offers-e2e", process.env.TEST_LOG_LEVEL ?? "warn");

/**
 * The same story on the real broker and registry and on the embedded mode's in-memory transport:
 * the services' own stage code must decide and store alike on both.
 */
const transports = [
  {
    name: "the real broker and registry",
    open: (env: OffersEnv) => ({
      kafka: createKafka(env, logger),
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    }),
  },
  {
    name: "the in-memory transport",
    open: () => ({ kafka: createInMemoryTransport(), registry: createInMemorySchemaRegistry() }),
  },
];

describe.each(transports)("next-best offers on $name", ({ open }) => {
  it("decides per customer under the contact policy, puts service first, joins outcomes, fires follow-ups", async () => {
    const variables = offerStoryVariables();
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const { kafka, registry } = open(env);
    const clickhouse = freshClickHouse("offers");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({
      ...variables,
      CLICKHOUSE_DATABASE: clickhouse.database,
    });
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    const caughtUp = () =>
      waitForGroups(kafka, [
        { groupId: enricherEnv.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
        { groupId: enricherEnv.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
        { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
      ]);
    const readOffers = () =>
      readAvroTopic<OfferRecord>(kafka, env, env.OFFERS_TOPIC, offerContracts.offer.schema, registry);
    const publish = (touchpoints: Touchpoint[]) => publishTouchpoints(kafka, env, touchpoints, registry);
    const card = { loyaltyId: "L-offers" };
    let restarted: Awaited<ReturnType<typeof startOffersService>> | undefined;
    try {
      await publish([
        touchpointOnDay(0, {
          channel: "web",
          type: "consent_change",
          consent: { scope: "email", granted: true },
          identifiers: card,
        }),
        touchpointOnDay(1, {
          type: "purchase",
          amount: { minor: 5000, currency: "EUR", discountMinor: 0, marginMinor: null },
          identifiers: card,
        }),
      ]);
      await caughtUp();
      const [first] = (await readOffers()).map((record) => record.value as OfferRecord);
      expect(first).toMatchObject({
        offerId: "getting-started-guide",
        channel: "email",
        trigger: "purchase",
      });
      expect(first?.explanation.priority).toBeGreaterThan(0);

      await publish([
        touchpointOnDay(2, {
          channel: "web",
          type: "offer_response",
          offerResponse: {
            decisionId: first?.decisionId as string,
            offerId: "getting-started-guide",
            outcome: "accepted",
          },
          identifiers: card,
        }),
        touchpointOnDay(2.5, {
          channel: "web",
          type: "consent_change",
          consent: { scope: "phone", granted: false },
          identifiers: card,
        }),
        touchpointOnDay(3, { channel: "phone", type: "complaint", sentiment: -0.9, identifiers: card }),
        touchpointOnDay(4, {
          channel: "phone",
          type: "service_resolved",
          experience: {
            satisfaction: null,
            effort: null,
            nps: null,
            waitSeconds: 30,
            handleSeconds: 300,
            resolved: true,
          },
          identifiers: card,
        }),
      ]);
      await caughtUp();
      const outcomes = await readAvroTopic<OfferOutcomeRecord>(
        kafka,
        env,
        env.OFFER_OUTCOMES_TOPIC,
        offerContracts.outcome.schema,
        registry,
      );
      expect(outcomes.map((record) => record.value)).toEqual([
        expect.objectContaining({ decisionId: first?.decisionId, outcome: "accepted" }),
      ]);
      const afterComplaint = (await readOffers())
        .map((record) => record.value as OfferRecord)
        .filter((offer) => offer.trigger === "complaint");
      // Phone consent withdrawn: the call is refused and recorded; recovery goes out by e-mail.
      expect(afterComplaint).toHaveLength(1);
      expect(recoveryKinds).toContain(afterComplaint[0]?.kind);
      const suppressed = await readAvroTopic<SuppressedRecord>(
        kafka,
        env,
        env.SUPPRESSED_TOPIC,
        offerContracts.suppressed.schema,
        registry,
      );
      expect(suppressed.map((record) => [record.value?.channel, record.value?.reason])).toContainEqual([
        "phone",
        "no_consent",
      ]);
      expect(afterComplaint.map((offer) => offer.channel)).toEqual(["email"]);

      // Three days after the service was resolved (wall clock far later), the survey goes out once.
      await offers.tick();
      await offers.tick();
      const surveys = (await readOffers())
        .map((record) => record.value as OfferRecord)
        .filter((offer) => offer.trigger === "followup_survey");
      expect(surveys).toHaveLength(1);

      // A restart reads the state back: the survey is not sent again, nothing is decided twice.
      await offers.stop();
      restarted = await startOffersService({ kafka, registry, logger, env });
      await publish([touchpointOnDay(5, { channel: "web", type: "visit", identifiers: card })]);
      await caughtUp();
      await restarted.tick();
      const afterRestart = (await readOffers()).map((record) => record.value as OfferRecord);
      expect(afterRestart.filter((offer) => offer.trigger === "followup_survey")).toHaveLength(1);
      const ids = afterRestart.map((offer) => offer.decisionId);
      expect(new Set(ids).size).toBe(ids.length);

      // The sink has every output in ClickHouse, once.
      await waitForGroups(
        kafka,
        [
          sinkEnv.OFFERS_TOPIC,
          sinkEnv.OFFER_OUTCOMES_TOPIC,
          sinkEnv.SUPPRESSED_TOPIC,
          sinkEnv.ENRICHED_TOPIC,
        ].map((topic) => ({
          groupId: sinkEnv.SINK_GROUP_ID,
          topic,
        })),
      );
      const count = async (table: string) => {
        const result = await clickhouse.client.query({
          query: `SELECT count() AS rows FROM ${clickhouse.table(table)} FINAL`,
          format: "JSONEachRow",
        });
        return Number((await result.json<{ rows: string }>())[0]?.rows);
      };
      expect(await count("offers")).toBe(ids.length);
      expect(await count("offer_outcomes")).toBe(2);
      expect(await count("suppressed_decisions")).toBeGreaterThanOrEqual(1);
      expect(await count("enriched_touchpoints")).toBe(7);
      expect(await count("customer_profiles")).toBe(1);
      // The offer aggregates agree with the raw rows.
      const figures = async (query: string) =>
        (await clickhouse.client.query({ query, format: "JSONEachRow" })).json<Record<string, unknown>>();
      expect(
        await figures(`SELECT offer_id, sum(decisions) AS decisions, sum(accepted) AS accepted, sum(declined) AS declined
                       FROM ${clickhouse.table("offer_performance_daily")} GROUP BY offer_id HAVING decisions > 0 ORDER BY offer_id`),
      ).toEqual(
        await figures(`SELECT o.offer_id AS offer_id, count() AS decisions,
                              countIf(x.outcome = 'accepted') AS accepted, countIf(x.outcome = 'declined') AS declined
                       FROM ${clickhouse.table("offers")} AS o
                       LEFT JOIN ${clickhouse.table("offer_outcomes")} AS x ON x.decision_id = o.decision_id
                       GROUP BY offer_id ORDER BY offer_id`),
      );
      expect(
        await figures(
          `SELECT reason, sum(suppressed) AS n FROM ${clickhouse.table("suppressions_daily")} GROUP BY reason ORDER BY reason`,
        ),
      ).toEqual(
        await figures(
          `SELECT reason, count() AS n FROM ${clickhouse.table("suppressed_decisions")} GROUP BY reason ORDER BY reason`,
        ),
      );
    } finally {
      await sink.stop();
      await (restarted ?? offers).stop().catch(() => undefined);
      await enricher.stop();
      await clickhouse.close();
    }
  }, 120_000);

  it("holds a held-out customer out of marketing while care reaches it, and flags its rows in ClickHouse", async () => {
    // Everyone held out: whatever the customer ids of this run, each is in the holdout.
    const variables = offerStoryVariables({ OFFERS_HOLDOUT_PERCENT: "100" });
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const { kafka, registry } = open(env);
    const clickhouse = freshClickHouse("holdout");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({ ...variables, CLICKHOUSE_DATABASE: clickhouse.database });
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    const card = { loyaltyId: "L-held-out" };
    try {
      await publishTouchpoints(
        kafka,
        env,
        [
          touchpointOnDay(0, {
            channel: "web",
            type: "consent_change",
            consent: { scope: "all", granted: true },
            identifiers: card,
          }),
          // A story that gets marketing too when the customer is not held out (see holdout-records.test.ts).
          ...[1, 20, 40].map((day) =>
            touchpointOnDay(day, {
              type: "purchase",
              amount: { minor: 6000 + day * 50, currency: "EUR", discountMinor: 0, marginMinor: null },
              identifiers: card,
            }),
          ),
          touchpointOnDay(30, { channel: "web", type: "cart", identifiers: card }),
          touchpointOnDay(60, { channel: "phone", type: "complaint", sentiment: -0.8, identifiers: card }),
        ],
        registry,
      );
      await waitForGroups(kafka, [
        { groupId: enricherEnv.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
        { groupId: enricherEnv.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
        { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
        { groupId: sinkEnv.SINK_GROUP_ID, topic: sinkEnv.ENRICHED_TOPIC },
      ]);
      const { offers: sent, suppressed: heldBack } = await readDecisions(kafka, env, registry);
      // Care reaches the customer (recovery after the complaint), marketing never does.
      const afterComplaint = sent.filter((offer) => offer.trigger === "complaint");
      expect(afterComplaint).toHaveLength(1);
      expect(recoveryKinds).toContain(afterComplaint[0]?.kind);
      for (const offer of sent) expect(careKinds as readonly string[], offer.offerId).toContain(offer.kind);
      // What marketing would have sent is recorded, with reason holdout.
      const heldOut = heldBack.filter((entry) => entry.reason === "holdout");
      expect(heldOut).not.toHaveLength(0);
      const kindOf = (offerId: string) =>
        env.OFFERS_CATALOG_FILE.offers.find((offer) => offer.id === offerId)?.kind;
      for (const entry of heldOut) expect(careKinds).not.toContain(kindOf(entry.offerId));
      // The enriched rows say the customer is in the holdout, for the uplift query.
      const flags = await (
        await clickhouse.client.query({
          query: `SELECT groupUniqArray(holdout) AS flags, count() AS touchpoints FROM ${clickhouse.table("enriched_touchpoints")}`,
          format: "JSONEachRow",
        })
      ).json<{ flags: boolean[]; touchpoints: string }>();
      expect(flags).toEqual([{ flags: [true], touchpoints: "6" }]);
    } finally {
      await sink.stop();
      await offers.stop();
      await enricher.stop();
      await clickhouse.close();
    }
  }, 120_000);
});
