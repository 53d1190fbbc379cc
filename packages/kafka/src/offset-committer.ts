import type { Commit } from "./partition-handler";
import type { Consumer } from "./transport";

interface Due {
  readonly topic: string;
  readonly partition: number;
  next: bigint;
  readonly waiters: { resolve(): void; reject(error: unknown): void }[];
}

/**
 * Commits consumed offsets one request at a time, so that a later, smaller offset can never
 * overwrite a larger one. The commits asked for while a request is under way go together in the
 * next one (the largest offset per partition): the partitions of a fetch, handled side by side, do
 * not each wait for a request of their own. `progressed` is told of every partition committed.
 */
export function offsetCommitter(
  consumer: Pick<Consumer, "commitOffsets">,
  progressed: (topic: string, partition: number) => void,
): Commit {
  const committed = new Map<string, bigint>();
  const due = new Map<string, Due>();
  let committing = false;

  const commitDue = async () => {
    while (due.size > 0) {
      const batch = [...due.entries()];
      due.clear();
      const fresh = batch.filter(([key, entry]) => (committed.get(key) ?? -1n) < entry.next);
      try {
        if (fresh.length > 0)
          await consumer.commitOffsets(
            fresh.map(([, { topic, partition, next }]) => ({ topic, partition, offset: next.toString() })),
          );
        for (const [key, { topic, partition, next }] of fresh) {
          committed.set(key, next);
          progressed(topic, partition);
        }
        for (const [, entry] of batch) for (const waiter of entry.waiters) waiter.resolve();
      } catch (error) {
        for (const [, entry] of batch) for (const waiter of entry.waiters) waiter.reject(error);
      }
    }
    committing = false;
  };

  return (topic, partition, next) =>
    new Promise<void>((resolve, reject) => {
      const key = `${topic}/${partition}`;
      const entry = due.get(key) ?? { topic, partition, next, waiters: [] };
      if (next > entry.next) entry.next = next;
      entry.waiters.push({ resolve, reject });
      due.set(key, entry);
      if (committing) return;
      committing = true;
      // The other partitions of the fetch ask in the same turn of the event loop: one request for all.
      setImmediate(() => void commitDue());
    });
}
