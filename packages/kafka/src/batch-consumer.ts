import type { Logger } from "@cx/logging";
import { metrics } from "@cx/observability";
import type { Consumer, IHeaders, Kafka, KafkaMessage, PartitionAssigner } from "kafkajs";
import type { AvroCodec } from "./avro-codec";
import { observeConsumer } from "./consumer-observability";
import type { DeadLetter, DeadLetterPublisher } from "./dead-letters";
import { defaultRetryPolicy, type RetryPolicy, retryWhile } from "./retry";

export interface DecodedRecord<T> {
  readonly topic: string;
  readonly key: string | null;
  readonly value: T;
  readonly partition: number;
  readonly offset: string;
  readonly timestampMs: number;
  readonly headers: IHeaders;
  /** The record's bytes as received, for a dead letter if a later stage refuses it. */
  readonly raw: Buffer;
}

export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** Where the partition continues after this batch: past its last record and any transaction markers. */
  readonly nextOffset: string;
}

/** One topic a consumer reads, with how to decode and check its records. */
export interface ConsumedTopic<T> {
  readonly topic: string;
  readonly codec: Pick<AvroCodec<T>, "decode">;
  /** A semantic check after decoding; a returned string is the reason the record is dead-lettered. */
  validate?(value: T): string | undefined;
  /**
   * A compacted topic deletes a key with a tombstone (null value): such records are handed on with
   * a null value instead of being dead-lettered as empty.
   */
  readonly tombstones?: boolean;
}

/** The partitions of each topic this member owns after a rebalance. */
export type Assignment = Readonly<Record<string, readonly number[]>>;

export interface BatchConsumerOptions<T> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly sources: readonly ConsumedTopic<T>[];
  /** Names this consumer in dead letters and logs. */
  readonly stage: string;
  /** Replaces Kafka's default assignment (e.g. to give one member every partition). */
  readonly partitionAssigners?: PartitionAssigner[];
  /**
   * Told the new assignment after every rebalance, before any batch of it is handled; stateful
   * stages drop what they no longer own and restore what they newly own lazily in handleBatch.
   */
  readonly onAssignment?: (assignment: Assignment, memberId: string) => void;
  /** Must be idempotent: after a crash between handling and committing, the batch comes again. */
  readonly handleBatch: (records: DecodedRecord<T>[], context: BatchContext) => Promise<void>;
  readonly deadLetters: DeadLetterPublisher;
  readonly logger: Logger;
  readonly retryPolicy?: RetryPolicy;
  /**
   * The record's customer-independent id (event or decision id) for the batch's debug log line, so
   * one event can be followed through the stages; by default `eventId`, `touchpoint.eventId` or
   * `decisionId` of the value.
   */
  readonly recordId?: (value: T) => string | undefined;
  /**
   * Batches of different partitions handled at the same time (default 1: one after another). Only
   * for stages whose state and producers are per partition, so their batches cannot interfere.
   */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * The event id, or else the decision id, of a pipeline record; never a customer's, not even inside
 * another id (a decision id ends in the record's customer id: that part is left off).
 */
export function defaultRecordId(value: unknown): string | undefined {
  const record = value as {
    eventId?: unknown;
    decisionId?: unknown;
    customerId?: unknown;
    touchpoint?: { eventId?: unknown };
  } | null;
  for (const id of [record?.eventId, record?.touchpoint?.eventId, record?.decisionId]) {
    if (typeof id !== "string") continue;
    const customer = record?.customerId;
    return typeof customer === "string" && id.endsWith(`_${customer}`)
      ? id.slice(0, -customer.length - 1)
      : id;
  }
  return undefined;
}

export interface BatchConsumer {
  /** Lets the batch in hand finish (or hands it back uncommitted), then leaves the group. */
  stop(): Promise<void>;
}

type Sorted<T> = { decoded: DecodedRecord<T>[]; dead: DeadLetter[] };

async function sortBatch<T>(
  options: BatchConsumerOptions<T>,
  source: ConsumedTopic<T>,
  partition: number,
  messages: KafkaMessage[],
): Promise<Sorted<T>> {
  const sorted: Sorted<T> = { decoded: [], dead: [] };
  const deadLetter = (message: KafkaMessage, reason: string) =>
    sorted.dead.push({
      key: message.key,
      value: message.value,
      ...(message.headers ? { headers: message.headers } : {}),
      reason,
      stage: options.stage,
      source: { topic: source.topic, partition, offset: message.offset },
    });
  for (const message of messages) {
    if (message.value === null && source.tombstones) {
      sorted.decoded.push({
        topic: source.topic,
        key: message.key?.toString("utf8") ?? null,
        value: null as T,
        partition,
        offset: message.offset,
        timestampMs: Number(message.timestamp),
        headers: message.headers ?? {},
        raw: Buffer.alloc(0),
      });
      continue;
    }
    if (message.value === null || message.value.length === 0) {
      deadLetter(message, "empty value");
      continue;
    }
    const result = await source.codec.decode(message.value);
    if (!result.ok) {
      deadLetter(message, result.reason);
      continue;
    }
    const invalid = source.validate?.(result.value);
    if (invalid !== undefined) {
      deadLetter(message, `invalid: ${invalid}`);
      continue;
    }
    sorted.decoded.push({
      topic: source.topic,
      key: message.key?.toString("utf8") ?? null,
      value: result.value,
      partition,
      offset: message.offset,
      timestampMs: Number(message.timestamp),
      headers: message.headers ?? {},
      raw: message.value,
    });
  }
  return sorted;
}

/**
 * Consumes topics in batches with at-least-once delivery: a batch's offset is committed only
 * after its dead letters are written and its records handled. A failing handler is retried with
 * backoff (so a store outage pauses the partition instead of losing data) until it succeeds, the
 * consumer stops, or the partition moves to another instance; in the last two cases the batch is
 * handed back uncommitted and redelivered.
 */
export async function startBatchConsumer<T>(options: BatchConsumerOptions<T>): Promise<BatchConsumer> {
  const { logger } = options;
  const sources = new Map(options.sources.map((source) => [source.topic, source]));
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    ...(options.partitionAssigners ? { partitionAssigners: options.partitionAssigners } : {}),
  });
  const { onAssignment } = options;
  if (onAssignment) {
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      logger.info(
        { stage: options.stage, assignment: event.payload.memberAssignment },
        "partitions assigned",
      );
      onAssignment(event.payload.memberAssignment, event.payload.memberId);
    });
  }
  // Commits go one after another so that a later, smaller offset can never overwrite a larger one.
  const committed = new Map<string, bigint>();
  let commits: Promise<unknown> = Promise.resolve();
  const commit = (topic: string, partition: number, next: bigint): Promise<void> => {
    const key = `${topic}/${partition}`;
    const result = commits.then(async () => {
      if ((committed.get(key) ?? -1n) >= next) return;
      await consumer.commitOffsets([{ topic, partition, offset: next.toString() }]);
      committed.set(key, next);
    });
    commits = result.catch(() => undefined);
    return result;
  };
  // A fetch that held only transaction markers never reaches eachBatch; committing past it keeps
  // the group's lag at zero when it has read everything (topics written in transactions end in one).
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize > 0) return;
    commit(payload.topic, payload.partition, BigInt(payload.lastOffset) + 1n).catch((error: unknown) =>
      logger.debug(
        { err: error, topic: payload.topic, partition: payload.partition },
        "marker commit failed",
      ),
    );
  });
  const observation = observeConsumer({
    kafka: options.kafka,
    consumer,
    groupId: options.groupId,
    stage: options.stage,
  });
  const recordId = options.recordId ?? defaultRecordId;
  await consumer.connect().catch(async (error: unknown) => {
    await observation.close();
    throw error;
  });
  await consumer.subscribe({ topics: [...sources.keys()], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const first = batch.messages[0];
      const last = batch.messages.at(-1);
      if (!first || !last) return;
      const started = performance.now();
      const { topic } = batch;
      const labels = { stage: options.stage, topic };
      const source = sources.get(topic);
      if (!source) throw new Error(`consumer of ${[...sources.keys()]} was given a batch of ${topic}`);
      const context: BatchContext = {
        topic,
        partition: batch.partition,
        firstOffset: first.offset,
        lastOffset: last.offset,
        nextOffset: (BigInt(batch.lastOffset()) + 1n).toString(),
      };
      const keepTrying = () => isRunning() && !isStale();
      const onFailure = (error: unknown, attempt: number, delayMs: number) => {
        metrics.batchRetries.inc(labels);
        logger.warn({ err: error, ...context, attempt, retryInMs: delayMs }, "batch failed, retrying");
        void heartbeat().catch(() => undefined);
      };
      let sorted: Sorted<T> | undefined;
      let deadLettered = 0;
      const done = await retryWhile(
        async () => {
          sorted ??= await sortBatch(options, source, batch.partition, batch.messages);
          if (sorted.dead.length > 0) {
            await options.deadLetters.publish(sorted.dead);
            for (const letter of sorted.dead) {
              logger.warn(
                { ...context, source: letter.source, reason: letter.reason },
                "dead-lettered a record",
              );
            }
            deadLettered += sorted.dead.length;
            sorted.dead = [];
          }
          if (sorted.decoded.length > 0) await options.handleBatch(sorted.decoded, context);
        },
        keepTrying,
        onFailure,
        options.retryPolicy ?? defaultRetryPolicy,
      );
      if (!done) {
        logger.info(context, "batch handed back uncommitted");
        return;
      }
      resolveOffset(batch.lastOffset());
      await commit(topic, batch.partition, BigInt(context.nextOffset));
      const seconds = (performance.now() - started) / 1000;
      metrics.recordsConsumed.inc(labels, batch.messages.length);
      metrics.batchDuration.observe(labels, seconds);
      if (logger.isLevelEnabled("debug"))
        logger.debug(
          {
            ...context,
            records: batch.messages.length,
            deadLettered,
            ms: Math.round(seconds * 1000),
            ids: (sorted?.decoded ?? []).flatMap((record) => recordId(record.value) ?? []),
          },
          "batch committed",
        );
      await heartbeat();
    },
  });
  return {
    async stop() {
      await consumer.stop();
      await consumer.disconnect();
      await observation.close();
    },
  };
}
