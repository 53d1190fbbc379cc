import type { BatchContext } from "./partition-handler";
import type { DecodedRecord } from "./sort-batch";

/** One partition's batch, as startBatchConsumer hands it to handleBatch. */
export interface PartitionBatch<T> {
  readonly records: DecodedRecord<T>[];
  readonly context: BatchContext;
}

/** The batches of a group that failed on their own, with their errors; the others were handled. */
export type BatchFailures<T> = ReadonlyMap<PartitionBatch<T>, unknown>;

/**
 * Handles the batches of several partitions in one call, such as one Kafka transaction for all of
 * them. Throwing fails every batch of the group; returning failures fails only those batches.
 */
export type BatchGroupHandler<T> = (batches: PartitionBatch<T>[]) => Promise<BatchFailures<T> | undefined>;

interface Waiting<T> {
  readonly batch: PartitionBatch<T>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Turns a handler of batch groups into the per-partition `handleBatch` of startBatchConsumer.
 * With `partitionsConsumedConcurrently` at least the number of owned partitions, kafkajs hands the
 * batches of one fetch to eachBatch at once; those that arrive before the event loop turns make one
 * group. Groups are handled one at a time, so state shared by all partitions is never changed by
 * two groups at once; batches that arrive while a group is handled make the next one. Each batch
 * still succeeds or fails alone towards its partition (see PartitionHandler): only a failed batch's
 * partition waits and retries.
 */
export function handledTogether<T>(
  handleGroup: BatchGroupHandler<T>,
): (records: DecodedRecord<T>[], context: BatchContext) => Promise<void> {
  let waiting: Waiting<T>[] = [];
  let draining = false;

  const drain = async () => {
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        const failures = await handleGroup(group.map((entry) => entry.batch));
        for (const entry of group)
          if (failures?.has(entry.batch)) entry.reject(failures.get(entry.batch));
          else entry.resolve();
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    draining = false;
  };

  return (records, context) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ batch: { records, context }, resolve, reject });
      if (draining) return;
      draining = true;
      // The other batches of the fetch reach here in the same turn of the event loop.
      setImmediate(() => void drain());
    });
}

/**
 * Lets other work of the process run (I/O, timers, other stages) before the next batch of a group:
 * a group of full batches of every partition is seconds of work that would otherwise hold it all.
 */
export const nextTurnOfEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The input offsets of a group's batches, as a transaction's sendOffsets takes them. */
export function groupOffsets<T>(batches: readonly PartitionBatch<T>[]) {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { context } of batches) {
    const partitions = byTopic.get(context.topic) ?? [];
    partitions.push({ partition: context.partition, offset: context.nextOffset });
    byTopic.set(context.topic, partitions);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
