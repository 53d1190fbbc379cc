import { randomUUID } from "node:crypto";
import {
  type Admin,
  chunkTopicMessages,
  createIdempotentProducer,
  ensureTopics,
  type Transport,
} from "@cx/kafka";

export interface BareKafkaLoop {
  readonly recordsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * The transport's ceiling on this machine: a kafkajs consumer (eachBatch, a fresh group from the
 * beginning) that produces every record of `topic` unchanged to an output topic with as many
 * partitions (same partition), with an idempotent acks=all producer like the pipeline's (in sends of
 * at most 512 KB, as the stages send), commits, and
 * does nothing else: no decoding, no state, no ClickHouse. The clock runs from the consumer's start
 * (group join included, as for the pipeline) until every record read has been acknowledged. One
 * pass over a topic is short, so passes are repeated (at least `rounds`, and until `minSeconds`
 * have passed) and the median pass is reported.
 */
export async function measureBareKafkaLoop(
  kafka: Transport,
  {
    topic,
    partitions,
    averageMessageBytes,
    rounds = 3,
    minSeconds = 10,
  }: { topic: string; partitions: number; averageMessageBytes: number; rounds?: number; minSeconds?: number },
): Promise<BareKafkaLoop> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const total = ends.reduce((sum, end) => sum + Number(BigInt(end.high) - BigInt(end.low)), 0);
    const passes: { seconds: number; batches: number }[] = [];
    const started = performance.now();
    while (passes.length < rounds || (performance.now() - started) / 1000 < minSeconds)
      passes.push(await pass(kafka, admin, topic, partitions, total));
    const seconds = passes.map((entry) => entry.seconds).sort((a, b) => a - b);
    const median = seconds[Math.floor(seconds.length / 2)] as number;
    const batches = passes.reduce((sum, entry) => sum + entry.batches, 0);
    return {
      recordsPerSecond: Math.round(total / median),
      setup: {
        records: total,
        passes: passes.length,
        medianPassSeconds: Number(median.toFixed(2)),
        partitions,
        averageMessageBytes,
        input: "the end-to-end run's touchpoint topic (the same records and sizes)",
        loop: "kafkajs eachBatch (defaults: up to 1 MB per partition fetch) → sends of ≤ 512 KB as the stages make them (idempotent, acks=all) → auto-commit",
        averageBatch: Math.round((total * passes.length) / Math.max(batches, 1)),
        includes: "group join at start of each pass",
      },
    };
  } finally {
    await admin.disconnect();
  }
}

async function pass(kafka: Transport, admin: Admin, topic: string, partitions: number, total: number) {
  const output = `${topic}.bare-loop-${randomUUID().slice(0, 8)}`;
  await ensureTopics(admin, [{ topic: output, partitions, replicationFactor: 1 }]);
  const producer = await createIdempotentProducer(kafka);
  const groupId = `bare-loop-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  let moved = 0;
  let batches = 0;
  let finished = 0;
  let resolveDone: () => void = () => undefined;
  let rejectDone: (error: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => rejectDone(payload.error));
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const messages = batch.messages.map((message) => ({
        key: message.key,
        value: message.value,
        ...(message.headers ? { headers: message.headers } : {}),
        partition: batch.partition,
      }));
      // In sends of at most 512 KB, as the pipeline's stages send (a fetched batch can exceed the
      // broker's largest accepted request).
      for (const topicMessages of chunkTopicMessages([{ topic: output, messages }]))
        await producer.sendBatch({ topicMessages, acks: -1 });
      resolveOffset(batch.lastOffset());
      await heartbeat();
      moved += batch.messages.length;
      batches++;
      if (moved >= total) {
        finished = performance.now();
        resolveDone();
      }
    },
  });
  try {
    await done;
  } finally {
    await consumer.stop();
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [output] }).catch(() => undefined);
  }
  return { seconds: (finished - started) / 1000, batches };
}
