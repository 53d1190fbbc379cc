import {
  type DeadLetter,
  type DecodedRecord,
  deadLetterOf,
  type SchemaRegistryClient,
  startStage,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { type OfferResponseRecord, reportedOutcome, responseProblem } from "@cx/offers";
import { customerFromRecord, type EnrichedTouchpointRecord, type OfferStateRecord } from "@cx/stage-records";
import { ensurePipelineTopics, pipelineTopics, topicCodec } from "@cx/topics";
import { type OffersEnv, offerSettings } from "./config";
import { offerWrites, restoredLearner } from "./offer-writes";
import { PartitionOffers, type PartitionOutputs } from "./partition-offers";

export interface OffersDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly logger: Logger;
  readonly env: OffersEnv;
}

export interface RunningOffers {
  /** Runs the wall-clock check of follow-ups and expiries now (the timer does it every OFFERS_TICK_MS). */
  tick(now?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The offer service: per partition of the enriched touchpoints, the customers' contact state and a
 * learner, restored from the compacted offer-state topic. Each batch's offers, suppressions,
 * outcomes, changelog and input offsets are one Kafka transaction (a transactional id per
 * partition), so a decision reaches the offers topic exactly once even across crashes.
 */
export async function startOffersService({
  kafka,
  registry,
  logger,
  env,
}: OffersDeps): Promise<RunningOffers> {
  const log = logger.child({ stage: "offers" });
  await ensurePipelineTopics(kafka, env);
  const catalog = env.OFFERS_CATALOG_FILE;
  const settings = offerSettings(env);
  const codecs = {
    enriched: await topicCodec(registry, env, pipelineTopics.enriched),
    offer: await topicCodec(registry, env, pipelineTopics.offers),
    suppressed: await topicCodec(registry, env, pipelineTopics.suppressed),
    outcome: await topicCodec(registry, env, pipelineTopics.offerOutcomes),
    state: await topicCodec(registry, env, pipelineTopics.offerState),
    response: await topicCodec(registry, env, pipelineTopics.offerResponses),
  };
  log.info(
    { catalog: catalog.path, version: catalog.version, offers: catalog.offers.length },
    "offer catalog loaded",
  );
  const writesOf = offerWrites({ codecs, env, catalogVersion: catalog.version, log });
  const stage = await startStage<
    EnrichedTouchpointRecord | OfferResponseRecord,
    PartitionOffers,
    OfferStateRecord
  >({
    name: "offers",
    kafka,
    logger: log,
    groupId: env.OFFERS_GROUP_ID,
    sources: [
      { topic: env.ENRICHED_TOPIC, codec: codecs.enriched },
      {
        topic: env.OFFER_RESPONSES_TOPIC,
        codec: codecs.response,
        validate: (value) => responseProblem(value as OfferResponseRecord),
      },
    ],
    // Both topics are keyed by customer id: partition p of each must reach p's state.
    assignment: "co-partitioned",
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    // State, learner and transactional producer are per partition: a partition's transaction does
    // not wait for the others'.
    concurrency: env.KAFKA_PARTITIONS,
    state: {
      layout: "per-partition",
      changelog: { topic: env.OFFER_STATE_TOPIC, codec: codecs.state },
      restore(latest, partition) {
        const offers = PartitionOffers.create(catalog, settings, restoredLearner(latest, partition));
        for (const record of latest.values())
          if (record?.customer)
            offers.restore(record.customer.customerId, customerFromRecord(record.customer));
        return offers;
      },
    },
    delivery: { guarantee: "exactly-once", transactionalId: env.OFFERS_TRANSACTIONAL_ID },
    async handle(offers, { records, context }) {
      const out: PartitionOutputs = { decisions: [], outcomes: [] };
      const refused: DeadLetter[] = [];
      if (context.topic === env.OFFER_RESPONSES_TOPIC) {
        for (const record of records as DecodedRecord<OfferResponseRecord>[]) {
          const reason = offers.handleResponse(record.value.customerId, reportedOutcome(record.value), out);
          if (reason) refused.push(deadLetterOf(record, reason, "offers", "invalid"));
        }
        if (refused.length > 0)
          log.warn({ ...context, refused: refused.length }, "reported outcomes refused and dead-lettered");
      } else {
        for (const { value } of records as DecodedRecord<EnrichedTouchpointRecord>[])
          offers.handle(value.customerId, value.touchpoint, value.profile, out);
      }
      return { ...(await writesOf(context.partition, offers, out)), refused };
    },
  });

  const tick = (now = Date.now()) =>
    stage.eachState((offers, partition) => {
      const out: PartitionOutputs = { decisions: [], outcomes: [] };
      offers.tick(now, out);
      return writesOf(partition, offers, out);
    });
  const timer = env.OFFERS_TICK_MS > 0 ? setInterval(() => void tick(), env.OFFERS_TICK_MS) : undefined;
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await stage.stop();
    },
  };
}
