import { createLogger } from "@cx/logging";
import { testKafkaEnv, uniqueName, waitFor } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { createIdempotentProducer } from "./avro-producer";
import { startBatchConsumer } from "./batch-consumer";
import { DeadLetterPublisher } from "./dead-letters";
import { createKafka } from "./kafka-config";
import { ensureTopics } from "./topics";

const logger = createLogger("batch-consumer-test", "error");

/** Plain text stands in for Avro here; what is under test is when offsets get committed. */
const textCodec = {
  decode: async (buffer: Buffer) => {
    const text = buffer.toString("utf8");
    return text.startsWith("poison")
      ? ({ ok: false, reason: "poisoned" } as const)
      : ({ ok: true, value: text } as const);
  },
};

describe("startBatchConsumer", () => {
  it("commits nothing while the handler fails, hands the batch back on stop, and commits once it succeeds", async () => {
    const env = testKafkaEnv();
    const kafka = createKafka(env, logger);
    const topic = uniqueName("batches");
    const deadLetterTopic = uniqueName("dlq");
    const groupId = uniqueName("group");
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic, partitions: 1, replicationFactor: 1 },
      { topic: deadLetterTopic, partitions: 1, replicationFactor: 1 },
    ]);
    const producer = await createIdempotentProducer(kafka);
    await producer.send({ topic, messages: ["a", "poison-b", "c"].map((value) => ({ key: "k", value })) });
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions[0]?.offset;

    let failing = true;
    let attempts = 0;
    const handled: string[] = [];
    const start = () =>
      startBatchConsumer<string>({
        kafka,
        groupId,
        sources: [{ topic, codec: textCodec }],
        stage: "test",
        deadLetters: new DeadLetterPublisher(producer, deadLetterTopic),
        logger,
        retryPolicy: { initialDelayMs: 20, maxDelayMs: 100 },
        handleBatch: async (records) => {
          attempts++;
          if (failing) throw new Error("store unavailable");
          handled.push(...records.map((record) => record.value));
        },
      });

    const first = await start();
    await waitFor(
      async () => attempts,
      (count) => count >= 3,
      { what: "retries" },
    );
    expect(await committed()).toBe("-1");
    await first.stop();
    expect(handled).toEqual([]);
    expect(await committed()).toBe("-1");

    failing = false;
    const second = await start();
    await waitFor(committed, (offset) => offset === "3", { what: "commit after success" });
    await second.stop();
    expect(handled).toEqual(["a", "c"]);
    const deadLetterEnd = await admin.fetchTopicOffsets(deadLetterTopic);
    // The poisoned record is dead-lettered once per attempt that reached it: at least once, never lost.
    expect(Number(deadLetterEnd[0]?.high)).toBeGreaterThanOrEqual(1);
    await producer.disconnect();
    await admin.disconnect();
  });
});
