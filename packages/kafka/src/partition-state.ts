import type { Logger } from "@cx/logging";
import type { AvroCodec } from "./avro-codec";
import { readPartitionsToEnd } from "./read-to-end";
import { TransientError } from "./transient-error";
import type { Transport } from "./transport";

/**
 * The latest value per key of these partitions of a compacted changelog (null for a tombstone), as
 * a stateful stage rebuilds its state. A value that cannot be decoded stops the restore: running on
 * with part of the state would be worse.
 */
export async function readLatestPerKey<T>(
  kafka: Transport,
  topic: string,
  partitions: readonly number[],
  codec: Pick<AvroCodec<T>, "decode">,
  logger: Logger,
): Promise<Map<number, Map<string, T | null>>> {
  const latest = new Map(partitions.map((partition) => [partition, new Map<string, T | null>()]));
  await readPartitionsToEnd(
    kafka,
    topic,
    partitions,
    async (message, partition) => {
      const key = message.key?.toString("utf8") ?? "";
      if (message.value === null) {
        latest.get(partition)?.set(key, null);
        return;
      }
      const decoded = await codec.decode(message.value);
      // Not the fault of the record being handled: its partition holds (and says so) instead.
      if (!decoded.ok) throw new TransientError(`cannot restore from ${topic}: ${decoded.reason}`);
      latest.get(partition)?.set(key, decoded.value);
    },
    logger,
  );
  return latest;
}

/**
 * State per assigned partition, kept across rebalances only while it is certainly current: a
 * partition kept under the same member id was never anyone else's; any other is rebuilt. Rebuilding
 * is lazy (on the partition's first batch) and covers every assigned partition still missing, in
 * one read of the changelog.
 */
export class PartitionStates<S> {
  private readonly states = new Map<number, S>();
  private assigned = new Set<number>();
  private memberId: string | undefined;
  private restoring: Promise<void> | undefined;

  constructor(private readonly restore: (partitions: number[]) => Promise<Map<number, S>>) {}

  /** Call from the consumer's onAssignment. */
  assign(partitions: readonly number[], memberId: string): void {
    this.assigned = new Set(partitions);
    for (const partition of [...this.states.keys()])
      if (memberId !== this.memberId || !this.assigned.has(partition)) this.states.delete(partition);
    this.memberId = memberId;
  }

  isAssigned(partition: number): boolean {
    return this.assigned.has(partition);
  }

  async get(partition: number): Promise<S> {
    // Partitions handled at the same time share one restore: a second read of the changelog could
    // finish later and replace a state that has moved on since.
    while (!this.states.has(partition)) {
      if (this.restoring) {
        await this.restoring.catch(() => undefined);
        continue;
      }
      const missing = [...new Set([...this.assigned, partition])].filter((each) => !this.states.has(each));
      this.restoring = this.restore(missing.sort((a, b) => a - b)).then((restored) => {
        for (const [each, state] of restored) this.states.set(each, state);
      });
      try {
        await this.restoring;
      } finally {
        this.restoring = undefined;
      }
    }
    return this.states.get(partition) as S;
  }

  /** The state may have run ahead of what was published (a failed batch): rebuild it next time. */
  drop(partition: number): void {
    this.states.delete(partition);
  }

  entries(): [number, S][] {
    return [...this.states];
  }

  current(partition: number): S | undefined {
    return this.states.get(partition);
  }
}
