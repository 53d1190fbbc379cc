import { randomUUID } from "node:crypto";
import {
  createIdempotentProducer,
  createKafka,
  kafkaEnvSchema,
  type Message,
  type Transport,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { createProgress } from "@cx/pipeline";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";
import { commandEnv, requireBroker } from "./command-env";
import { countedScale, publishTouchpoints } from "./produce";
import { readTouchpointFile } from "./touchpoint-file";
import { UsageError } from "./usage-error";

const replayEnvSchema = z.object({ ...kafkaEnvSchema.shape, ...pipelineTopicsEnvSchema.shape });

export interface ReplayOptions {
  topic?: string;
  partition?: string;
  fromOffset: string;
  toOffset?: string;
  file?: string;
}

interface Range {
  readonly partitions: readonly number[];
  readonly from: bigint;
  /** Exclusive end per partition: the high watermark when the replay starts, or --to-offset + 1. */
  readonly endOf: (partition: number) => bigint;
}

/** Reads the records of a topic in the range, batch by batch, with a throw-away consumer group. */
async function readRange(
  kafka: Transport,
  topic: string,
  range: Range,
  onBatch: (messages: Message[]) => Promise<void>,
): Promise<void> {
  const groupId = `cx-replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  const remaining = new Set(range.partitions.filter((partition) => range.endOf(partition) > range.from));
  if (remaining.size === 0) return;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const partition of range.partitions) consumer.seek({ topic, partition, offset: String(range.from) });
  });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (!remaining.has(batch.partition)) return;
      const end = range.endOf(batch.partition);
      const wanted = batch.messages.filter(
        (message) => BigInt(message.offset) >= range.from && BigInt(message.offset) < end,
      );
      await onBatch(
        wanted.map((message) => ({ key: message.key, value: message.value, headers: message.headers ?? {} })),
      );
      if (BigInt(batch.lastOffset()) + 1n >= end) {
        remaining.delete(batch.partition);
        if (remaining.size === 0) finish();
      }
    },
  });
  await finished;
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
}

/** What `cx replay` does: a file, or a topic range, into the touchpoints topic again. */
export async function runReplay(options: ReplayOptions): Promise<void> {
  if (options.file && options.topic) throw new UsageError("give --topic or --file, not both");
  if (options.file) {
    const touchpoints = readTouchpointFile(options.file);
    await publishTouchpoints(touchpoints, countedScale(touchpoints.length));
    return;
  }
  if (!options.topic) throw new UsageError("give --topic NAME (with an optional range) or --file PATH");
  const offset = (name: string, value: string) => {
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number ≥ 0, not ${value}`);
    return BigInt(value);
  };
  requireBroker();
  const env = commandEnv(replayEnvSchema);
  const kafka = createKafka(env, createLogger("cx", "error"));
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(options.topic).catch(() => {
    throw new UsageError(`no topic ${options.topic} on ${env.KAFKA_BROKERS.join(",")}`);
  });
  await admin.disconnect();
  const partitions =
    options.partition === undefined
      ? ends.map((end) => end.partition)
      : [Number(offset("partition", options.partition))];
  const to = options.toOffset === undefined ? undefined : offset("to-offset", options.toOffset) + 1n;
  const highOf = new Map(ends.map((end) => [end.partition, BigInt(end.high)]));
  const range: Range = {
    partitions,
    from: offset("from-offset", options.fromOffset),
    endOf: (partition) => {
      const high = highOf.get(partition) ?? 0n;
      return to !== undefined && to < high ? to : high;
    },
  };
  const total = partitions.reduce(
    (sum, partition) => sum + Math.max(0, Number(range.endOf(partition) - range.from)),
    0,
  );
  const producer = await createIdempotentProducer(kafka);
  const progress = createProgress(Math.max(total, 1), "records");
  let sent = 0;
  try {
    await readRange(kafka, options.topic, range, async (messages) => {
      if (messages.length === 0) return;
      await producer.send({ topic: env.TOUCHPOINTS_TOPIC, messages });
      sent += messages.length;
      progress.update(sent, sent);
    });
  } finally {
    progress.stop();
    await producer.disconnect();
  }
  console.log(`replayed ${sent} records from ${options.topic} into ${env.TOUCHPOINTS_TOPIC}`);
}
