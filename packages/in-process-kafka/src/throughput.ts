/**
 * Throughput of the in-process transport in a produce → consume → produce loop, through the
 * project's own consumer (startBatchConsumer) and producers:
 *   npx tsx packages/in-process-kafka/src/throughput.ts [records] [partitions]
 * "plain": each batch is written on with an idempotent producer (like the profile stage);
 * "transactional": each batch's output and input offsets are one transaction per partition
 * (like the offers service). Prints records/s from the first send until the output has them all.
 */
import {
  consumerLag,
  createIdempotentProducer,
  DeadLetterPublisher,
  ensureTopics,
  PartitionProducers,
  startBatchConsumer,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import type { Kafka, Message } from "kafkajs";
import { createInProcessKafka } from "./index";

const logger = createLogger("in-process-throughput", "warn");
const records = Number(process.argv[2] ?? 200_000);
const partitions = Number(process.argv[3] ?? 6);
const value = Buffer.alloc(400, "x");
const passThrough = { decode: async (buffer: Buffer) => ({ ok: true as const, value: buffer }) };

async function loop(kafka: Kafka, mode: "plain" | "transactional") {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(
    admin,
    ["input", "output", "dlq"].map((topic) => ({ topic, partitions, replicationFactor: 1 })),
  );
  const producer = await createIdempotentProducer(kafka);
  const transactional = new PartitionProducers(kafka, "throughput-tx");
  const stage = await startBatchConsumer<Buffer>({
    kafka,
    groupId: "stage",
    stage: "throughput",
    sources: [{ topic: "input", codec: passThrough }],
    deadLetters: new DeadLetterPublisher(producer, "dlq"),
    logger,
    async handleBatch(batch, context) {
      const messages: Message[] = batch.map((record) => ({ key: record.key, value: record.value }));
      if (mode === "plain") {
        await producer.send({ topic: "output", acks: -1, messages });
        return;
      }
      const transaction = await (await transactional.get(context.partition)).transaction();
      await transaction.send({ topic: "output", acks: -1, messages });
      await transaction.sendOffsets({
        consumerGroupId: "stage",
        topics: [
          { topic: "input", partitions: [{ partition: context.partition, offset: context.nextOffset }] },
        ],
      });
      await transaction.commit();
    },
  });
  const started = performance.now();
  const chunk = 500;
  for (let sent = 0; sent < records; sent += chunk) {
    const messages = Array.from({ length: Math.min(chunk, records - sent) }, (_, index) => ({
      key: `customer-${(sent + index) % 50_000}`,
      value,
    }));
    await producer.send({ topic: "input", acks: -1, messages });
  }
  const produced = performance.now();
  const total = async () =>
    (await admin.fetchTopicOffsets("output")).reduce((sum, end) => sum + Number(end.high), 0);
  while ((await total()) < records) await new Promise((resolve) => setImmediate(resolve));
  const seconds = (performance.now() - started) / 1000;
  const lag = await consumerLag(admin, "stage", "input");
  await stage.stop();
  await transactional.close();
  await producer.disconnect();
  console.log(
    `${mode}: ${records} records, ${partitions} partitions: ${Math.round(records / seconds)} records/s through ` +
      `produce → consume → produce (producing alone ${Math.round(((produced - started) / 1000 / seconds) * 100)}% of the time), lag ${lag}`,
  );
}

await loop(createInProcessKafka(), "plain");
await loop(createInProcessKafka(), "transactional");
