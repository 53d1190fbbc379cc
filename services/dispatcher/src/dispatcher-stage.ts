import {
  chunkTopicMessages,
  createIdempotentProducer,
  type DeadLetter,
  DeadLetterPublisher,
  encodeRecords,
  inTransaction,
  type Message,
  PartitionProducers,
  PartitionStates,
  type Producer,
  readLatestPerKey,
  type SchemaRegistryClient,
  startBatchConsumer,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { StopStack } from "@cx/runtime";
import type { DeliveryProgress, OfferRecord } from "@cx/stage-records";
import { ensurePipelineTopics, pipelineTopics, topicCodec } from "@cx/topics";
import type { DispatcherEnv } from "./config";
import { afterAttempt, endpointName, type StepOutcome, withoutAttempt } from "./delivery-step";
import { DisabledEndpoints } from "./disabled-endpoints";
import { countDeliveries, dispatcherMetrics } from "./dispatcher-metrics";
import { PartitionDeliveries } from "./partition-deliveries";
import { createWebhookClient } from "./webhook-client";
import { type Endpoint, offerWebhook } from "./webhook-message";

export interface DispatcherDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly logger: Logger;
  readonly env: DispatcherEnv;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface RunningDispatcher {
  /** Attempts every due retry now (the timer does it every DISPATCHER_TICK_MS). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

async function partitionCount(kafka: Transport, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/** Runs `work` on every item with at most `limit` at a time, results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The webhook dispatcher: per partition of the offers topic (read committed), the deliveries in
 * flight, restored from the compacted delivery-state topic. An offer is attempted when it arrives;
 * its attempts' records, its new state, any dead letter and the input offset are then one Kafka
 * transaction (a transactional id per partition), and retries follow by the clock. A success is
 * recorded before anything else of its partition moves, so a decision is delivered successfully at
 * most once across restarts and instances, except for a crash in the milliseconds between a
 * receiver's 2xx and that commit (the receiver then sees the same webhook-id again).
 */
export async function startDispatcher(deps: DispatcherDeps): Promise<RunningDispatcher> {
  const { kafka, registry, env } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ stage: "dispatcher" });
  await ensurePipelineTopics(kafka, env);
  const codecs = {
    offer: await topicCodec(registry, env, pipelineTopics.offers),
    delivery: await topicCodec(registry, env, pipelineTopics.offerDeliveries),
    state: await topicCodec(registry, env, pipelineTopics.offerDeliveryState),
  };
  const endpoints = new Map<string, Endpoint>(
    [...env.DISPATCHER_ENDPOINTS].map(([channel, url]) => [
      channel,
      { url, secrets: env.DISPATCHER_SIGNING_SECRETS.get(channel) ?? [] },
    ]),
  );
  log.info(
    {
      endpoints: Object.fromEntries(
        [...endpoints].map(([channel, endpoint]) => [channel, endpointName(endpoint.url)]),
      ),
    },
    "delivering offers of these channels",
  );
  const post = createWebhookClient({
    timeoutMs: env.DISPATCHER_ATTEMPT_TIMEOUT_MS,
    allowedRanges: env.DISPATCHER_ALLOWED_ADDRESS_RANGES,
  });
  const settings = { schedule: env.DISPATCHER_RETRY_SCHEDULE, random };
  // Whatever started is stopped in reverse order, also when a later part fails to start.
  const stack = new StopStack();
  const producers = stack.add(
    "transactional producers",
    new PartitionProducers(kafka, env.DISPATCHER_TRANSACTIONAL_ID),
    (made) => made.close(),
  );
  const deadLetterProducer = stack.add(
    "dead-letter producer",
    await createIdempotentProducer(kafka),
    (made) => made.disconnect(),
  );
  const disabledEndpoints = new DisabledEndpoints(env.DISPATCHER_REENABLE_CHANNELS);
  const statePartitions = await partitionCount(kafka, env.OFFER_DELIVERY_STATE_TOPIC).catch(
    (error: unknown) => stack.abandon(error),
  );
  const partitions = new PartitionStates(async (wanted) => {
    const latest = await readLatestPerKey(kafka, env.OFFER_DELIVERY_STATE_TOPIC, wanted, codecs.state, log);
    const restored = new Map<number, PartitionDeliveries>();
    for (const [partition, records] of latest)
      restored.set(partition, PartitionDeliveries.restore(records, disabledEndpoints));
    log.info({ partitions: wanted }, "delivery state restored");
    return restored;
  });
  const locks = new Map<number, Promise<unknown>>();
  /** A partition's batches and ticks take turns: both change its state. */
  const exclusively = <T>(partition: number, work: () => Promise<T>): Promise<T> => {
    const result = (locks.get(partition) ?? Promise.resolve()).then(work);
    locks.set(
      partition,
      result.catch(() => undefined),
    );
    return result;
  };

  /** One step for one decision: an attempt, or the reason none can be made any more. */
  const step = async (progress: DeliveryProgress): Promise<StepOutcome> => {
    const endpoint = endpoints.get(progress.offer.channel);
    const at = now();
    // Restored from before a configuration change that took the channel's endpoint away.
    if (!endpoint)
      return withoutAttempt(
        progress,
        "",
        at,
        "failed",
        `undeliverable: no endpoint is configured for channel ${progress.offer.channel} any more`,
      );
    const name = endpointName(endpoint.url);
    const disabled = disabledEndpoints.find(progress.offer.channel, endpoint.url.href);
    if (disabled) return withoutAttempt(progress, name, at, "disabled", `undeliverable: ${disabled.reason}`);
    if (at > progress.offer.expiresAt)
      return withoutAttempt(
        progress,
        name,
        at,
        "failed",
        "undeliverable: the offer expired before it was delivered",
      );
    const result = await post(offerWebhook(progress.offer, endpoint, at));
    return afterAttempt(progress, name, result, at, settings);
  };

  /** Attempts what is due in a partition and publishes the outcome (with the input offset, for a batch). */
  const deliverDue = async (
    partition: number,
    deliveries: PartitionDeliveries,
    offset?: { topic: string; offset: string },
  ) => {
    const due = deliveries.due(now());
    const steps = await mapLimited(due, env.DISPATCHER_CONCURRENCY, step);
    const letters: DeadLetter[] = [];
    for (const outcome of steps) {
      const { offer } = outcome.progress;
      const endpoint = endpoints.get(offer.channel);
      deliveries.apply(outcome);
      if (outcome.disable && endpoint)
        disabledEndpoints.disable({
          channel: offer.channel,
          url: endpoint.url.href,
          disabledAt: outcome.record.attemptedAt,
          reason: outcome.disable,
        });
      if (outcome.gaveUp)
        letters.push({
          key: offer.customerId,
          value: await codecs.offer.encode(offer),
          reason: outcome.gaveUp,
          category: "undeliverable",
          stage: "dispatcher",
          source: {
            topic: env.OFFERS_TOPIC,
            partition: outcome.progress.sourcePartition,
            offset: outcome.progress.sourceOffset,
          },
        });
    }
    deliveries.forgetSettled(now());
    const records = steps.map((outcome) => outcome.record);
    const changes = deliveries.takeChanges();
    const markers = disabledEndpoints.take();
    if (records.length === 0 && changes.length === 0 && markers.length === 0 && !offset) return;
    const ownPartition = await encodeRecords(
      codecs.state,
      changes.map(([key, value]) => ({ key, value })),
    );
    const everyPartition = await encodeRecords(
      codecs.state,
      markers.map(([key, value]) => ({ key, value })),
    );
    const stateMessages: Message[] = [
      ...ownPartition.map((message) => ({ ...message, partition })),
      ...everyPartition.flatMap((message) =>
        Array.from({ length: statePartitions }, (_, each) => ({ ...message, partition: each })),
      ),
    ];
    const chunks = chunkTopicMessages([
      {
        topic: env.OFFER_DELIVERIES_TOPIC,
        messages: await encodeRecords(
          codecs.delivery,
          records.map((record) => ({ key: record.customerId, value: record })),
        ),
      },
      { topic: env.OFFER_DELIVERY_STATE_TOPIC, messages: stateMessages },
    ]);
    await inTransaction(
      await producers.get(partition).catch((error: unknown) => {
        disabledEndpoints.putBack(markers);
        throw error;
      }),
      async (transaction) => {
        for (const topicMessages of chunks) await transaction.sendBatch({ topicMessages, acks: -1 });
        // A transaction sends like a producer: the dead letters commit or vanish with the rest.
        await new DeadLetterPublisher(transaction as unknown as Producer, env.DEAD_LETTER_TOPIC).publish(
          letters,
        );
        if (offset)
          await transaction.sendOffsets({
            consumerGroupId: env.DISPATCHER_GROUP_ID,
            topics: [{ topic: offset.topic, partitions: [{ partition, offset: offset.offset }] }],
          });
      },
      async () => {
        log.warn({ partition }, "transaction failed; a new producer takes its transactional id");
        await producers.discard(partition);
      },
    ).catch((error: unknown) => {
      disabledEndpoints.putBack(markers);
      throw error;
    });
    countDeliveries(records);
    dispatcherMetrics.pending.set({ partition: String(partition) }, deliveries.pending());
    for (const letter of letters) log.warn({ partition, reason: letter.reason }, "offer given up");
  };

  const consumer = await startBatchConsumer<OfferRecord>({
    kafka,
    groupId: env.DISPATCHER_GROUP_ID,
    stage: "dispatcher",
    sources: [{ topic: env.OFFERS_TOPIC, codec: codecs.offer }],
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS,
    onAssignment(assignment, memberId) {
      partitions.assign(assignment[env.OFFERS_TOPIC] ?? [], memberId);
      void producers.release((partition) => partitions.isAssigned(partition));
    },
    deadLetters: new DeadLetterPublisher(deadLetterProducer, env.DEAD_LETTER_TOPIC),
    logger: log,
    handleBatch: (records, context) =>
      exclusively(context.partition, async () => {
        // The producer first: it fences a previous owner and aborts its open transaction.
        await producers.get(context.partition);
        const deliveries = await partitions.get(context.partition);
        try {
          for (const { value, partition, offset } of records)
            if (endpoints.has(value.channel)) deliveries.admit(value, partition, offset, now());
          await deliverDue(context.partition, deliveries, {
            topic: context.topic,
            offset: context.nextOffset,
          });
        } catch (error) {
          partitions.drop(context.partition); // its state ran ahead of what was published
          throw error;
        }
      }),
  }).catch((error: unknown) => stack.abandon(error));
  stack.add("partition work", locks, (pending) => Promise.all([...pending.values()]));
  stack.add("consumer", consumer, (started) => started.stop());

  const tick = async () => {
    for (const [partition, deliveries] of partitions.entries()) {
      await exclusively(partition, async () => {
        if (partitions.current(partition) !== deliveries || deliveries.due(now()).length === 0) return;
        try {
          await deliverDue(partition, deliveries);
        } catch (error) {
          partitions.drop(partition);
          log.warn(
            { err: error, partition },
            "retries could not be published; the partition's state is read again",
          );
        }
      });
    }
  };
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick().finally(() => {
      ticking = false;
    });
  }, env.DISPATCHER_TICK_MS);
  stack.add("retry timer", timer, clearInterval);

  return { tick, stop: () => stack.stopAll() };
}
