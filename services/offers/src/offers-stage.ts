import {
  chunkTopicMessages,
  createIdempotentProducer,
  type DeadLetter,
  DeadLetterPublisher,
  type DecodedRecord,
  encodeRecords,
  inTransaction,
  type Message,
  PartitionProducers,
  PartitionStates,
  readLatestPerKey,
  type SchemaRegistryClient,
  startBatchConsumer,
  type TopicMessages,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { type OfferResponseRecord, reportedOutcome, responseProblem } from "@cx/offers";
import { StopStack } from "@cx/runtime";
import {
  customerFromRecord,
  customerStateRecord,
  decisionRecords,
  type EnrichedTouchpointRecord,
  outcomeRecord,
} from "@cx/stage-records";
import { ensurePipelineTopics, pipelineTopics, topicCodec } from "@cx/topics";
import { type OffersEnv, offerSettings } from "./config";
import { countDecisions, decisionLog } from "./decision-metrics";
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

const learnerKey = (partition: number) => `learner.${partition}`;

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
  const stack = new StopStack();
  const producers = stack.add(
    "transactional producers",
    new PartitionProducers(kafka, env.OFFERS_TRANSACTIONAL_ID),
    (made) => made.close(),
  );
  const deadLetterProducer = stack.add(
    "dead-letter producer",
    await createIdempotentProducer(kafka),
    (made) => made.disconnect(),
  );
  const deadLetters = new DeadLetterPublisher(deadLetterProducer, env.DEAD_LETTER_TOPIC);
  const locks = new Map<number, Promise<unknown>>();
  const partitions = new PartitionStates(async (wanted) => {
    const started = performance.now();
    const latest = await readLatestPerKey(kafka, env.OFFER_STATE_TOPIC, wanted, codecs.state, log);
    const restored = new Map<number, PartitionOffers>();
    for (const [partition, records] of latest) {
      const offers = PartitionOffers.create(
        catalog,
        settings,
        records.get(learnerKey(partition))?.learner ?? undefined,
      );
      for (const record of records.values())
        if (record?.customer)
          offers.customers.set(record.customer.customerId, customerFromRecord(record.customer));
      restored.set(partition, offers);
    }
    log.info({ partitions: wanted, ms: Math.round(performance.now() - started) }, "offer state restored");
    return restored;
  });

  /** A partition's batches and ticks take turns: both change its state. */
  const exclusively = <T>(partition: number, work: () => Promise<T>): Promise<T> => {
    const result = (locks.get(partition) ?? Promise.resolve()).then(work);
    locks.set(
      partition,
      result.catch(() => undefined),
    );
    return result;
  };

  /** Everything a partition produced, with its changelog, in one transaction (with the input offsets). */
  const publish = async (
    partition: number,
    offers: PartitionOffers,
    out: PartitionOutputs,
    offsets?: { topic: string; offset: string },
    refused: readonly DeadLetter[] = [],
  ) => {
    const decided = out.decisions.map((decision) => decisionRecords(decision, catalog.version));
    const changes = offers.takeChanges();
    const changelog: Message[] = [
      ...(await encodeRecords(
        codecs.state,
        changes.customers.map(([customerId, customer]) => ({
          key: customerId,
          value: customer && customerStateRecord(customer),
        })),
      )),
      ...(changes.learner
        ? await encodeRecords(codecs.state, [
            { key: learnerKey(partition), value: { customer: null, learner: changes.learner } },
          ])
        : []),
    ].map((message) => ({ ...message, partition }));
    const topicMessages: TopicMessages[] = [
      {
        topic: env.OFFERS_TOPIC,
        messages: await encodeRecords(
          codecs.offer,
          decided.flatMap((entry) => entry.offers),
        ),
      },
      {
        topic: env.SUPPRESSED_TOPIC,
        messages: await encodeRecords(
          codecs.suppressed,
          decided.flatMap((entry) => entry.suppressed),
        ),
      },
      {
        topic: env.OFFER_OUTCOMES_TOPIC,
        messages: await encodeRecords(codecs.outcome, out.outcomes.map(outcomeRecord)),
      },
      { topic: env.OFFER_STATE_TOPIC, messages: changelog },
      // In the transaction that commits past them: written exactly once, with their original bytes.
      { topic: env.DEAD_LETTER_TOPIC, messages: deadLetters.messages(refused) },
    ];
    const chunks = chunkTopicMessages(topicMessages);
    if (chunks.length === 0 && !offsets) return;
    const producer = await producers.get(partition);
    await inTransaction(
      producer,
      async (transaction) => {
        for (const topicMessagesChunk of chunks)
          await transaction.sendBatch({ topicMessages: topicMessagesChunk, acks: -1 });
        if (offsets)
          await transaction.sendOffsets({
            consumerGroupId: env.OFFERS_GROUP_ID,
            topics: [{ topic: offsets.topic, partitions: [{ partition, offset: offsets.offset }] }],
          });
      },
      async () => {
        log.warn({ partition }, "transaction failed; a new producer takes its transactional id");
        await producers.discard(partition);
      },
    );
    countDecisions(out.decisions);
    deadLetters.count(refused);
    const offered = decided.reduce((sum, entry) => sum + entry.offers.length, 0);
    const suppressed = decided.reduce((sum, entry) => sum + entry.suppressed.length, 0);
    if (offered + suppressed + out.outcomes.length > 0)
      log.debug(
        {
          ...(offsets ? { topic: offsets.topic, nextOffset: offsets.offset } : { tick: true }),
          partition,
          offered,
          suppressed,
          outcomes: out.outcomes.length,
          decisions: decisionLog(out.decisions),
        },
        "offers published",
      );
  };

  /** A reported outcome the engine cannot apply, with its reason, as the dead letter of its record. */
  const refusal = (record: DecodedRecord<unknown>, reason: string): DeadLetter => ({
    key: record.key,
    value: record.raw,
    headers: record.headers,
    reason,
    category: "invalid",
    stage: "offers",
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
  });

  const consumer = await startBatchConsumer<EnrichedTouchpointRecord | OfferResponseRecord>({
    kafka,
    groupId: env.OFFERS_GROUP_ID,
    stage: "offers",
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
    // State, learner and transactional producer are per partition: a partition's transaction does
    // not wait for the others' (they took turns, ~30 ms each, which added up in a decision's latency).
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS,
    onAssignment(assignment, joinedAs) {
      partitions.assign(assignment[env.ENRICHED_TOPIC] ?? [], joinedAs);
      void producers.release((partition) => partitions.isAssigned(partition));
    },
    deadLetters,
    logger: log,
    handleBatch: (records, context) =>
      exclusively(context.partition, async () => {
        // The partition's producer first: it fences a previous one and aborts its open transaction,
        // so the state read next is not held up behind it.
        await producers.get(context.partition);
        const offers = await partitions.get(context.partition);
        try {
          const out: PartitionOutputs = { decisions: [], outcomes: [] };
          const refused: DeadLetter[] = [];
          if (context.topic === env.OFFER_RESPONSES_TOPIC) {
            for (const record of records as DecodedRecord<OfferResponseRecord>[]) {
              const reason = offers.handleResponse(
                record.value.customerId,
                reportedOutcome(record.value),
                out,
              );
              if (reason) refused.push(refusal(record, reason));
            }
          } else {
            for (const { value } of records as DecodedRecord<EnrichedTouchpointRecord>[])
              offers.handle(value.customerId, value.touchpoint, value.profile, out);
          }
          await publish(
            context.partition,
            offers,
            out,
            { topic: context.topic, offset: context.nextOffset },
            refused,
          );
          if (refused.length > 0)
            log.warn({ ...context, refused: refused.length }, "reported outcomes refused and dead-lettered");
        } catch (error) {
          partitions.drop(context.partition); // its state ran ahead of what was published
          throw error;
        }
      }),
  }).catch((error: unknown) => stack.abandon(error));
  stack.add("partition work", locks, (pending) => Promise.all([...pending.values()]));
  stack.add("consumer", consumer, (started) => started.stop());

  const tick = async (now = Date.now()) => {
    for (const [partition, offers] of partitions.entries()) {
      await exclusively(partition, async () => {
        if (partitions.current(partition) !== offers) return;
        const out: PartitionOutputs = { decisions: [], outcomes: [] };
        offers.tick(now, out);
        try {
          await publish(partition, offers, out);
        } catch (error) {
          partitions.drop(partition);
          log.warn(
            { err: error, partition },
            "follow-ups could not be published; the partition's state is read again",
          );
        }
      });
    }
  };
  const timer = env.OFFERS_TICK_MS > 0 ? setInterval(() => void tick(), env.OFFERS_TICK_MS) : undefined;
  stack.add("follow-up timer", timer, clearInterval);

  return { tick, stop: () => stack.stopAll() };
}
