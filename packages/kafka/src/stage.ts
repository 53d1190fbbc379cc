import type { Logger } from "@cx/logging";
import { StopStack } from "@cx/runtime";
import type { AvroCodec } from "./avro-codec";
import { startBatchConsumer } from "./batch-consumer";
import {
  type BatchFailures,
  groupOffsets,
  handledTogether,
  nextTurnOfEventLoop,
  type PartitionBatch,
} from "./batch-group";
import { type DeadLetter, DeadLetterPublisher } from "./dead-letters";
import { inTransaction, PartitionProducers, WholeStageProducer } from "./partition-producers";
import { PartitionStates, readLatestPerKey } from "./partition-state";
import { createIdempotentProducer } from "./renewing-producer";
import { chunkTopicMessages } from "./send-chunks";
import type { ConsumedTopic } from "./sort-batch";
import type { AssignmentStrategy, TopicMessages, Transport } from "./transport";

/** What handling a batch produced: records for other stages, the state's changes, refused records. */
export interface StageWrites {
  readonly outputs: readonly TopicMessages[];
  readonly changelog: readonly TopicMessages[];
  /** Records the handler refuses (their dead letters carry the original bytes and the reason). */
  readonly refused?: readonly DeadLetter[];
  /** Told once these are written (e.g. to count decisions only once they are published). */
  readonly onWritten?: () => void;
  /** Told when they could not be written (to give back what making them took from shared state). */
  readonly onFailed?: () => void;
}

export interface StageOptions<In, State, Change> {
  /** Names the stage in logs, metrics and dead letters. */
  readonly name: string;
  readonly kafka: Transport;
  readonly logger: Logger;
  readonly groupId: string;
  readonly sources: readonly ConsumedTopic<In>[];
  readonly assignment?: AssignmentStrategy;
  readonly deadLetterTopic: string;
  /** Partitions handled side by side; at least the owned partitions' count to group a fetch's batches. */
  readonly concurrency: number;
  readonly state: {
    /**
     * "per-partition": partition p of the input has its own state, restored from partition p of the
     * changelog (the stage scales out by partition). "whole": one state for every partition (a graph
     * that cannot be split), restored from the changelog's one partition; the stage has one owner.
     */
    readonly layout: "per-partition" | "whole";
    readonly changelog: { readonly topic: string; readonly codec: Pick<AvroCodec<Change>, "decode"> };
    /** Builds a partition's state from its changelog's latest value per key (tombstones are null). */
    restore(latest: ReadonlyMap<string, Change | null>, partition: number): State;
  };
  /**
   * "exactly-once": a batch's outputs, changelog, dead letters and input offsets are one transaction
   * (its transactional id per partition, or the stage's for a "whole" state): a new owner fences
   * the old, and nothing is written twice or lost across crashes. "at-least-once": outputs are sent
   * before the changelog and offsets committed after both, so a crash repeats outputs, never loses them.
   */
  readonly delivery:
    | { readonly guarantee: "exactly-once"; readonly transactionalId: string }
    | { readonly guarantee: "at-least-once" };
  /**
   * Applies a batch to its partition's state. A throw leaves the state suspect: it is dropped and
   * restored from the changelog, and the batches that shared it are handled again without this one.
   */
  handle(state: State, batch: PartitionBatch<In>): Promise<StageWrites> | StageWrites;
}

export interface RunningStage<State> {
  /**
   * Runs `work` on each owned partition's state, one at a time with that partition's batches, and
   * writes what it returns like a batch's (for work on a clock: follow-ups, expiries).
   */
  eachState(work: (state: State, partition: number) => Promise<StageWrites>): Promise<void>;
  stop(): Promise<void>;
}

/** What several handler calls produced, written together. */
interface Collected {
  readonly outputs: TopicMessages[];
  readonly changelog: TopicMessages[];
  readonly refused: DeadLetter[];
  readonly written: (() => void)[];
  readonly failed: (() => void)[];
}

const noWrites = (): Collected => ({ outputs: [], changelog: [], refused: [], written: [], failed: [] });

/** Adds what other calls collected (a state's share of a group). */
function merge(into: Collected, from: Collected): void {
  for (const field of ["outputs", "changelog", "refused", "written", "failed"] as const)
    (into[field] as unknown[]).push(...from[field]);
}

function collect(into: Collected, produced: StageWrites): void {
  into.outputs.push(...produced.outputs);
  into.changelog.push(...produced.changelog);
  into.refused.push(...(produced.refused ?? []));
  if (produced.onWritten) into.written.push(produced.onWritten);
  if (produced.onFailed) into.failed.push(produced.onFailed);
}

/**
 * A stateful stage over Kafka, written once: it consumes a group's partitions, restores each
 * owned partition's state from the changelog on its first batch (and after a rebalance to another
 * member, or a failure), applies batches with the stage's handler, writes outputs, changelog, dead
 * letters and input offsets with the stage's delivery guarantee, and stops in order (what started
 * before a failed start is stopped too). Supervision, poison records, retries and health are the
 * batch consumer's (startBatchConsumer).
 */
export async function startStage<In, State, Change>(
  options: StageOptions<In, State, Change>,
): Promise<RunningStage<State>> {
  const { kafka, logger: log, state, delivery, name } = options;
  const whole = state.layout === "whole";
  const stateOf = (partition: number) => (whole ? 0 : partition);
  const stack = new StopStack();
  // Dead letters of undecodable records, and every write of an at-least-once stage.
  const idempotentProducer = stack.add("idempotent producer", await createIdempotentProducer(kafka), (made) =>
    made.disconnect(),
  );
  const deadLetters = new DeadLetterPublisher(idempotentProducer, options.deadLetterTopic);
  const producers =
    delivery.guarantee === "exactly-once"
      ? stack.add(
          "transactional producers",
          whole
            ? new WholeStageProducer(kafka, delivery.transactionalId)
            : new PartitionProducers(kafka, delivery.transactionalId),
          (made) => made.close(),
        )
      : undefined;
  const states = new PartitionStates<State>(async (partitions) => {
    const started = performance.now();
    const latest = await readLatestPerKey(
      kafka,
      state.changelog.topic,
      partitions,
      state.changelog.codec,
      log,
    );
    const restored = new Map(
      [...latest].map(([partition, values]) => [partition, state.restore(values, partition)]),
    );
    log.info(
      { partitions, ms: Math.round(performance.now() - started) },
      "state restored from its changelog",
    );
    return restored;
  });
  const locks = new Map<number, Promise<unknown>>();
  /** A state's batches and clock work take turns: both change it. */
  const exclusively = <T>(keys: readonly number[], work: () => Promise<T>): Promise<T> => {
    const result = Promise.all(keys.map((key) => locks.get(key))).then(work);
    const settled = result.catch(() => undefined);
    for (const key of keys) locks.set(key, settled);
    return result;
  };

  /** Writes with the stage's guarantee; `statePartition` picks the transactional producer. */
  const write = async (
    statePartition: number,
    writes: StageWrites,
    offsets?: readonly PartitionBatch<In>[],
  ) => {
    const refused = writes.refused ?? [];
    if (!producers) {
      for (const chunk of [...chunkTopicMessages(writes.outputs), ...chunkTopicMessages(writes.changelog)])
        await idempotentProducer.sendBatch({ topicMessages: chunk, acks: -1 });
      if (refused.length > 0) await deadLetters.publish(refused);
      return;
    }
    const chunks = chunkTopicMessages([
      ...writes.outputs,
      ...writes.changelog,
      // In the transaction that commits past them: written exactly once, with their original bytes.
      { topic: options.deadLetterTopic, messages: deadLetters.messages(refused) },
    ]);
    if (chunks.length === 0 && !offsets?.length) return;
    const producer = await producers.get(statePartition);
    await inTransaction(
      producer,
      async (transaction) => {
        for (const chunk of chunks) await transaction.sendBatch({ topicMessages: chunk, acks: -1 });
        if (offsets?.length)
          await transaction.sendOffsets({ consumerGroupId: options.groupId, topics: groupOffsets(offsets) });
      },
      async () => {
        log.warn(
          { partition: statePartition },
          "transaction failed; a new producer takes its transactional id",
        );
        await producers.discard(statePartition);
      },
    );
    deadLetters.count(refused);
  };

  /**
   * Applies the batches of one state. A batch that throws drops the state, and the others are
   * applied again to the restored state without it (each still succeeds or fails alone).
   */
  const apply = async (key: number, batches: readonly PartitionBatch<In>[]) => {
    const failures = new Map<PartitionBatch<In>, unknown>();
    for (;;) {
      // The producer first: it fences a previous owner and aborts its open transaction, so the
      // changelog read next is not held up behind it.
      await producers?.get(key);
      const current = await states.get(key);
      const writes = noWrites();
      const handled = batches.filter((batch) => !failures.has(batch));
      const failed = await (async () => {
        for (const [index, batch] of handled.entries()) {
          if (index > 0) await nextTurnOfEventLoop();
          try {
            collect(writes, await options.handle(current, batch));
          } catch (error) {
            failures.set(batch, error);
            return true;
          }
        }
        return false;
      })();
      if (!failed) return { writes, handled, failures };
      states.drop(key);
      for (const giveBack of writes.failed) giveBack();
    }
  };

  /** Writes what states produced; on failure they ran ahead of what was published and are dropped. */
  const publish = async (
    keys: readonly number[],
    writes: Collected,
    offsets?: readonly PartitionBatch<In>[],
  ) => {
    try {
      await write(keys[0] ?? 0, writes, offsets);
    } catch (error) {
      for (const key of keys) states.drop(key);
      for (const giveBack of writes.failed) giveBack();
      throw error;
    }
    for (const written of writes.written) written();
  };

  /**
   * The batches of one fetch together: for a whole state, one transaction; at least once, one
   * send for every partition's outputs (instead of each partition paying its own while the others'
   * records wait).
   */
  const handleGroup = async (batches: PartitionBatch<In>[]): Promise<BatchFailures<In>> => {
    const byState = new Map<number, PartitionBatch<In>[]>();
    for (const batch of batches) {
      const key = stateOf(batch.context.partition);
      byState.set(key, [...(byState.get(key) ?? []), batch]);
    }
    const keys = [...byState.keys()];
    return exclusively(keys, async () => {
      const failures = new Map<PartitionBatch<In>, unknown>();
      const together = noWrites();
      const handled: PartitionBatch<In>[] = [];
      for (const [key, own] of byState) {
        const applied = await apply(key, own);
        for (const [batch, error] of applied.failures) failures.set(batch, error);
        handled.push(...applied.handled);
        merge(together, applied.writes);
      }
      if (handled.length > 0) await publish(keys, together, producers ? handled : undefined);
      return failures;
    });
  };

  /** A batch on its own, in its partition's transaction: partitions do not wait for each other. */
  const handleAlone = (batch: PartitionBatch<In>) =>
    exclusively([batch.context.partition], async () => {
      const { writes, failures } = await apply(batch.context.partition, [batch]);
      if (failures.has(batch)) throw failures.get(batch);
      await publish([batch.context.partition], writes, [batch]);
    });

  const consumer = await startBatchConsumer<In>({
    kafka,
    groupId: options.groupId,
    stage: name,
    sources: options.sources,
    ...(options.assignment ? { assignment: options.assignment } : {}),
    partitionsConsumedConcurrently: options.concurrency,
    onAssignment(assignment, memberId) {
      const owned = [...new Set(Object.values(assignment).flat())].sort((a, b) => a - b);
      // A whole state is the member's while it owns any partition (a standby owns none).
      states.assign(whole ? (owned.length > 0 ? [0] : []) : owned, memberId);
      if (producers instanceof PartitionProducers)
        void producers.release((partition) => states.isAssigned(partition));
    },
    deadLetters,
    logger: log,
    handleBatch:
      whole || !producers
        ? handledTogether(handleGroup)
        : (records, context) => handleAlone({ records, context }),
  }).catch((error: unknown) => stack.abandon(error));
  stack.add("state work", locks, (pending) => Promise.all([...pending.values()]));
  stack.add("consumer", consumer, (started) => started.stop());

  return {
    async eachState(work) {
      for (const [key, current] of states.entries())
        await exclusively([key], async () => {
          if (states.current(key) !== current) return;
          try {
            const writes = noWrites();
            collect(writes, await work(current, key));
            await publish([key], writes);
          } catch (error) {
            states.drop(key);
            log.warn(
              { err: error, partition: key },
              "clock work could not be published; the state is read again",
            );
          }
        });
    },
    stop: () => stack.stopAll(),
  };
}
