import { randomUUID } from "node:crypto";
import type { Logger } from "@cx/logging";
import type { KafkaMessage, Transport } from "./transport";
import { TransientError } from "./transient-error";

/** A read that gets no fetch at all for this long has stalled (fetches return within 5 s when idle). */
const defaultQuietMs = 15_000;

/**
 * Reads partitions of a topic from the beginning up to their end as of the call: how a stateful
 * stage rebuilds its state from a compacted changelog when it is given a partition. A throw-away
 * consumer group is used (kafkajs cannot read without one) and deleted afterwards.
 */
export async function readPartitionsToEnd(
  kafka: Transport,
  topic: string,
  partitions: readonly number[],
  onMessage: (message: KafkaMessage, partition: number) => Promise<void> | void,
  logger: Logger,
  { quietMs = defaultQuietMs }: { readonly quietMs?: number } = {},
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `cx-restore-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const wanted = new Set(partitions);
    const remaining = new Map(
      ends
        .filter((end) => wanted.has(end.partition) && BigInt(end.high) > BigInt(end.low))
        .map((end) => [end.partition, BigInt(end.high) - 1n]),
    );
    if (remaining.size === 0) return 0;
    const others = ends.map((end) => end.partition).filter((partition) => !remaining.has(partition));
    const consumer = kafka.consumer({ groupId, maxBytes: 16 * 1024 * 1024 });
    let read = 0;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      if (others.length > 0) {
        consumer.on(consumer.events.GROUP_JOIN, () => consumer.pause([{ topic, partitions: others }]));
      }
      const done = new Promise<void>((resolve, reject) => {
        let idle: NodeJS.Timeout | undefined;
        let finished = false;
        const finish = () => {
          finished = true;
          clearTimeout(idle);
          resolve();
        };
        // A broker that stops answering mid-read must not end it early with part of the state: a
        // long quiet fails the read (a TransientError: the caller retries it later, from the start).
        const quietEnd = () => {
          clearTimeout(idle);
          if (finished) return;
          idle = setTimeout(() => {
            finished = true;
            reject(new TransientError(`reading ${topic} to its end stalled: ${stallReason()}`));
          }, quietMs);
        };
        quietEnd();
        let inBatch = false;
        // The listed end is the last stable offset: a transaction committed a moment ago can lie
        // beyond it while its markers are written. Each fetch also tells the high watermark, and
        // the read is complete only once it reaches that too.
        const endOf = (partition: number, highWatermark: string) => {
          const listed = remaining.get(partition);
          const end = BigInt(highWatermark) - 1n;
          return listed === undefined ? undefined : end > listed ? end : listed;
        };
        // Where each unfinished partition was left: a read held below the high watermark for good
        // is a transaction left open on the broker, which only an operator can end.
        const progress = new Map<number, { readThrough: string; highWatermark: string }>();
        const stallReason = () =>
          [...remaining.keys()]
            .map((partition) => {
              const at = progress.get(partition);
              if (!at) return `partition ${partition}: no fetch for ${quietMs} ms`;
              return `partition ${partition}: read through offset ${at.readThrough} of a high watermark of ${at.highWatermark} and no fetch since for ${quietMs} ms (an open transaction holds the rest back; if it lasts past transaction.timeout.ms it is hanging: kafka-transactions.sh find-hanging and abort end it)`;
            })
            .join("; ");
        const reached = (partition: number, lastOffset: string, highWatermark: string) => {
          progress.set(partition, { readThrough: lastOffset, highWatermark });
          const last = endOf(partition, highWatermark);
          if (last !== undefined && BigInt(lastOffset) >= last) {
            remaining.delete(partition);
            consumer.pause([{ topic, partitions: [partition] }]);
          }
          if (remaining.size === 0 && !inBatch) finish();
        };
        // A fetch holding only transaction markers never reaches eachBatch; this event still says
        // how far the partition was read, so a transactional changelog's end is recognised too.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          quietEnd();
          if (payload.batchSize === 0) reached(payload.partition, payload.lastOffset, payload.highWatermark);
        });
        void consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const last = endOf(batch.partition, batch.highWatermark);
              if (last === undefined) return;
              inBatch = true;
              try {
                for (const message of batch.messages) {
                  if (BigInt(message.offset) > last) break;
                  await onMessage(message, batch.partition);
                  read++;
                }
              } finally {
                inBatch = false;
              }
              quietEnd();
              reached(batch.partition, batch.lastOffset(), batch.highWatermark);
            },
          })
          .catch(reject);
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    logger.debug({ topic, partitions, records: read }, "read partitions to their end");
    return read;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
