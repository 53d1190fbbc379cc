import { migrate } from "@cx/clickhouse";
import type { Touchpoint } from "@cx/contracts";
import {
  type EnrichedTouchpointRecord,
  enricherContracts,
  enricherEnvSchema,
  startEnricher,
} from "@cx/enricher";
import { createTouchpointPublisher } from "@cx/generator";
import { consumerLag, createAvroCodec, pipelineTopicVariables, readPartitionsToEnd } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { type OfferOutcomeRecord, recoveryKinds } from "@cx/offers";
import {
  type OfferRecord,
  offerContracts,
  offersEnvSchema,
  type SuppressedRecord,
  startOffersService,
} from "@cx/offers-service";
import { sinkEnvSchema, startSink } from "@cx/sink";
import { freshClickHouse, touchpointOnDay, uniqueName, waitFor } from "@cx/testing";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createInProcessKafka, createInProcessSchemaRegistry } from "./index";

const logger = createLogger("in-process-pipeline-test", process.env.TEST_LOG_LEVEL ?? "warn");

async function caughtUp(kafka: Kafka, groups: readonly { groupId: string; topic: string }[]) {
  const admin = kafka.admin();
  await admin.connect();
  const total = async () =>
    (await Promise.all(groups.map(({ groupId, topic }) => consumerLag(admin, groupId, topic)))).reduce(
      (sum, lag) => sum + lag,
      0,
    );
  // Twice in a row a little apart: stages feed each other (the enricher's transfers between partitions).
  for (let quiet = 0; quiet < 2; quiet++) {
    await waitFor(total, (lag) => lag === 0, {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: "the stages to catch up",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    if ((await total()) > 0) quiet = -1;
  }
}

async function readAvro<T>(kafka: Kafka, registry: SchemaRegistry, topic: string, schema: object) {
  const codec = await createAvroCodec<T>(registry, topic, schema);
  const admin = kafka.admin();
  const partitions = (await admin.fetchTopicOffsets(topic)).map((end) => end.partition);
  const values: T[] = [];
  await readPartitionsToEnd(
    kafka,
    topic,
    partitions,
    async (message) => {
      const decoded = await codec.decode(message.value as Buffer);
      if (!decoded.ok) throw new Error(decoded.reason);
      values.push(decoded.value);
    },
    logger,
  );
  return values;
}

describe("the services' own stage code on the in-process transport", () => {
  it("enricher, offers and sink decide and store as on the real broker (test/offers.e2e.test.ts's story)", async () => {
    const variables = {
      KAFKA_PARTITIONS: "3",
      ...pipelineTopicVariables(uniqueName),
      ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
      ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
      ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
      OFFERS_GROUP_ID: uniqueName("offers"),
      OFFERS_TRANSACTIONAL_ID: uniqueName("offers-tx"),
      OFFERS_TICK_MS: "0",
      OFFERS_QUIET_FROM_HOUR: "0",
      OFFERS_QUIET_TO_HOUR: "0",
    };
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const kafka = createInProcessKafka();
    const registry = createInProcessSchemaRegistry();
    const clickhouse = freshClickHouse("in_process");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({
      ...variables,
      SINK_GROUP_ID: uniqueName("sink"),
      CLICKHOUSE_DATABASE: clickhouse.database,
    });
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    const stages = [
      { groupId: enricherEnv.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
      { groupId: enricherEnv.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
      { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
    ];
    const publish = async (touchpoints: Touchpoint[]) => {
      const publisher = await createTouchpointPublisher(kafka, registry, env);
      await publisher.publish(touchpoints);
      await publisher.close();
    };
    const readOffers = () =>
      readAvro<OfferRecord>(kafka, registry, env.OFFERS_TOPIC, offerContracts.offer.schema);
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
      await caughtUp(kafka, stages);
      const [first] = await readOffers();
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
      await caughtUp(kafka, stages);
      const outcomes = await readAvro<OfferOutcomeRecord>(
        kafka,
        registry,
        env.OFFER_OUTCOMES_TOPIC,
        offerContracts.outcome.schema,
      );
      expect(outcomes).toEqual([
        expect.objectContaining({ decisionId: first?.decisionId, outcome: "accepted" }),
      ]);
      const afterComplaint = (await readOffers()).filter((offer) => offer.trigger === "complaint");
      expect(afterComplaint).toHaveLength(1);
      expect(recoveryKinds).toContain(afterComplaint[0]?.kind);
      expect(afterComplaint.map((offer) => offer.channel)).toEqual(["email"]);
      const suppressed = await readAvro<SuppressedRecord>(
        kafka,
        registry,
        env.SUPPRESSED_TOPIC,
        offerContracts.suppressed.schema,
      );
      expect(suppressed.map((record) => [record.channel, record.reason])).toContainEqual([
        "phone",
        "no_consent",
      ]);

      await offers.tick();
      await offers.tick();
      expect((await readOffers()).filter((offer) => offer.trigger === "followup_survey")).toHaveLength(1);

      // A restart reads the offer state back from its changelog: nothing is decided twice.
      await offers.stop();
      restarted = await startOffersService({ kafka, registry, logger, env });
      await publish([touchpointOnDay(5, { channel: "web", type: "visit", identifiers: card })]);
      await caughtUp(kafka, stages);
      await restarted.tick();
      const afterRestart = await readOffers();
      expect(afterRestart.filter((offer) => offer.trigger === "followup_survey")).toHaveLength(1);
      const ids = afterRestart.map((offer) => offer.decisionId);
      expect(new Set(ids).size).toBe(ids.length);

      // The sink wrote every output to ClickHouse, once.
      await caughtUp(
        kafka,
        [
          sinkEnv.OFFERS_TOPIC,
          sinkEnv.OFFER_OUTCOMES_TOPIC,
          sinkEnv.SUPPRESSED_TOPIC,
          sinkEnv.ENRICHED_TOPIC,
        ].map((topic) => ({ groupId: sinkEnv.SINK_GROUP_ID, topic })),
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
      expect(await count("enriched_touchpoints")).toBe(7);
      expect(await count("customer_profiles")).toBe(1);
    } finally {
      await sink.stop();
      await (restarted ?? offers).stop().catch(() => undefined);
      await enricher.stop();
      await clickhouse.close();
    }
  }, 120_000);

  it("hands the identity stage to a standby enricher, which fences the old owner and rebuilds the graph", async () => {
    const variables = {
      KAFKA_PARTITIONS: "3",
      ...pipelineTopicVariables(uniqueName),
      ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
      ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
      ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
    };
    const env = enricherEnvSchema.parse(variables);
    const kafka = createInProcessKafka();
    const registry = createInProcessSchemaRegistry();
    const owner = await startEnricher({ kafka, registry, logger, env });
    const standby = await startEnricher({ kafka, registry, logger, env });
    const stages = [
      { groupId: env.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
      { groupId: env.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
    ];
    const publish = async (touchpoints: Touchpoint[]) => {
      const publisher = await createTouchpointPublisher(kafka, registry, env);
      await publisher.publish(touchpoints);
      await publisher.close();
    };
    try {
      await publish([
        touchpointOnDay(0, { identifiers: { loyaltyId: "L-takeover" } }),
        touchpointOnDay(1, {
          channel: "web",
          identifiers: { loyaltyId: "L-takeover", deviceId: "D-takeover" },
        }),
      ]);
      await caughtUp(kafka, stages);
      await owner.stop();
      // Only the device is known now: the standby must have the link from the changelog.
      await publish([touchpointOnDay(2, { channel: "web", identifiers: { deviceId: "D-takeover" } })]);
      await caughtUp(kafka, stages);
      const enriched = await readAvro<EnrichedTouchpointRecord>(
        kafka,
        registry,
        env.ENRICHED_TOPIC,
        enricherContracts.enriched.schema,
      );
      expect(enriched).toHaveLength(3);
      expect(new Set(enriched.map((record) => record.customerId)).size).toBe(1);
    } finally {
      await standby.stop();
      await owner.stop().catch(() => undefined);
    }
  });
});
