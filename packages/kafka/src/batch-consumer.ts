import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@cx/logging";
import { withTimeout } from "@cx/observability";
import { ConsumerHealth } from "./consumer-health";
import type { DeadLetterPublisher } from "./dead-letters";
import { offsetCommitter } from "./offset-committer";
import { type BatchContext, PartitionHandler } from "./partition-handler";
import { defaultRetryPolicy, type RetryPolicy } from "./retry";
import type { ConsumedTopic, DecodedRecord } from "./sort-batch";
import { isTransientError } from "./transient-error";
import type { AssignmentStrategy, Consumer, Transport } from "./transport";

export type { BatchContext } from "./partition-handler";
export type { ConsumedTopic, DecodedRecord } from "./sort-batch";

/** The partitions of each topic this member owns after a rebalance. */
export type Assignment = Readonly<Record<string, readonly number[]>>;

export interface BatchConsumerOptions<T> {
  readonly kafka: Transport;
  readonly groupId: string;
  readonly sources: readonly ConsumedTopic<T>[];
  /** Names this consumer in dead letters and logs. */
  readonly stage: string;
  /** Replaces Kafka's default assignment (e.g. "single-owner" gives one member every partition). */
  readonly assignment?: AssignmentStrategy;
  /**
   * Told the new assignment after every rebalance, before any batch of it is handled; stateful
   * stages drop what they no longer own and restore what they newly own lazily in handleBatch.
   * A consumer recreated after a crash joins under a new member id.
   */
  readonly onAssignment?: (assignment: Assignment, memberId: string) => void;
  /** Must be idempotent: after a crash between handling and committing, the batch comes again. */
  readonly handleBatch: (records: DecodedRecord<T>[], context: BatchContext) => Promise<void>;
  readonly deadLetters: DeadLetterPublisher;
  readonly logger: Logger;
  /** Back-off between attempts at a failing batch (its partition waits; the others go on). */
  readonly retryPolicy?: RetryPolicy;
  /**
   * Failed attempts after which a batch is handled record by record, and a record failing alone
   * is dead-lettered; errors that say a dependency is away (isTransient) never count.
   */
  readonly isolateAfterAttempts?: number;
  /** Whether a handler's error means "a dependency is away, wait" (default: isTransientError). */
  readonly isTransient?: (error: unknown) => boolean;
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
  /**
   * How long a fetch may wait for how much data (kafkajs' maxWaitTimeInMs and minBytes; default:
   * back with the first record, or after 5 s): a stage that writes in bulk lets records gather. A
   * stage whose cost is per round trip rather than per record may take more per fetch (maxBytes,
   * maxBytesPerPartition; default 10 MiB and 1 MiB).
   */
  readonly fetch?: {
    readonly minBytes: number;
    readonly maxWaitTimeInMs: number;
    readonly maxBytes?: number;
    readonly maxBytesPerPartition?: number;
  };
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

const maxRecreateDelayMs = 30_000;
const oldMemberDisconnectMs = 30_000;

/**
 * Consumes topics in batches with at-least-once delivery (see PartitionHandler for what happens to
 * a batch), under supervision: a consumer that crashes, for any reason, or that has not rejoined
 * its group within HEALTH_STUCK_AFTER_MS, is thrown away and made anew with back-off, so a broker
 * pause, restart or network cut heals without a person. Its health (ConsumerHealth) says meanwhile
 * why it is not ready, and after HEALTH_DEAD_AFTER_MS that it is not live.
 */
export async function startBatchConsumer<T>(options: BatchConsumerOptions<T>): Promise<BatchConsumer> {
  const { logger, kafka, groupId, stage } = options;
  const handler = new PartitionHandler<T>({
    stage,
    sources: options.sources,
    handleBatch: options.handleBatch,
    deadLetters: options.deadLetters,
    logger,
    retryPolicy: options.retryPolicy ?? defaultRetryPolicy,
    isolateAfterAttempts: options.isolateAfterAttempts ?? 3,
    isTransient: options.isTransient ?? isTransientError,
    recordId: options.recordId ?? defaultRecordId,
  });
  let current: Consumer | undefined;
  let stopping = false;
  let recreating: Promise<void> | undefined;
  // A member that kafkajs restarts by itself but that never gets back into its group is recreated too.
  const health = new ConsumerHealth(kafka, groupId, stage, () => {
    if (!stopping && !recreating) void recreate("not back in its group in time");
  });

  const createMember = async (): Promise<Consumer> => {
    const consumer = kafka.consumer({
      groupId,
      ...(options.assignment ? { assignment: options.assignment } : {}),
      ...options.fetch,
      // kafkajs restarts by itself after retriable errors only; the supervisor handles the rest.
      retry: { restartOnFailure: async () => false },
    });
    const commit = offsetCommitter(consumer, (topic, partition) => health.progressed(topic, partition));
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      logger.info({ stage, assignment: event.payload.memberAssignment }, "partitions assigned");
      health.joined(event.payload.memberAssignment);
      options.onAssignment?.(event.payload.memberAssignment, event.payload.memberId);
    });
    consumer.on(consumer.events.REBALANCING, () => health.trouble("rebalancing"));
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      if (consumer !== current || stopping) return;
      logger.error({ err: error, stage, restart }, "consumer crashed");
      health.trouble(`crashed: ${error.message}`);
      if (!restart) void recreate(`crashed: ${error.message}`);
    });
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
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: handler.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => handler.handle(payload, commit),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return consumer;
  };

  /** Throws the consumer away and makes a new one, with back-off, until one runs or the stage stops. */
  const recreate = (why: string): Promise<void> => {
    recreating ??= (async () => {
      const old = current;
      current = undefined;
      handler.close();
      // kafkajs' disconnect waits for the batch in hand; one that never ends must not hold the new member.
      if (old)
        await withTimeout(old.disconnect(), oldMemberDisconnectMs, "disconnecting the old member").catch(
          (error: unknown) => logger.warn({ err: error, stage }, "old consumer left behind"),
        );
      for (let delayMs = 1_000; !stopping; delayMs = Math.min(delayMs * 2, maxRecreateDelayMs)) {
        health.trouble(`recreating the consumer (${why})`);
        try {
          const made = await createMember();
          if (stopping) {
            await made.disconnect().catch(() => undefined);
            return;
          }
          current = made;
          logger.warn({ stage, why }, "consumer recreated");
          return;
        } catch (error) {
          logger.warn(
            { err: error, stage, retryInMs: delayMs },
            "could not recreate the consumer; trying again",
          );
          await sleep(delayMs);
        }
      }
    })().finally(() => {
      recreating = undefined;
    });
    return recreating;
  };

  try {
    current = await createMember();
  } catch (error) {
    await health.close();
    throw error;
  }
  return {
    async stop() {
      stopping = true;
      await recreating;
      handler.close();
      const last = current;
      current = undefined;
      try {
        await last?.stop();
        await last?.disconnect();
      } finally {
        await health.close();
      }
    },
  };
}
