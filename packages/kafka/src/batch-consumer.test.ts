import { createHash } from "node:crypto";
import { createLogger } from "@cx/logging";
import { createFreshTopics, readTopic, testKafkaEnv, uniqueName, waitFor } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { startBatchConsumer } from "./batch-consumer";
import { DeadLetterPublisher, deadLetterHeaders, truncatedDeadLetterBytes } from "./dead-letters";
import { createKafka } from "./kafkajs/kafka-config";
import { createIdempotentProducer } from "./renewing-producer";
import { TransientError } from "./transient-error";

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
  it("commits nothing while a dependency is away, hands the batch back on stop, and commits once it succeeds", async () => {
    const env = testKafkaEnv();
    const kafka = createKafka(env, logger);
    const { batches: topic, dlq: deadLetterTopic } = await createFreshTopics(kafka, { batches: 1, dlq: 1 });
    const groupId = uniqueName("group");
    const admin = kafka.admin();
    await admin.connect();
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
          if (failing) throw new TransientError("store unavailable");
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

  it("isolates a record the handler fails on again and again, while a waiting partition holds no other", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { isolate: topic, dlq: deadLetterTopic } = await createFreshTopics(kafka, { isolate: 2, dlq: 1 });
    const groupId = uniqueName("group");
    const admin = kafka.admin();
    await admin.connect();
    const producer = await createIdempotentProducer(kafka);
    // Partition 0: a record the handler always throws on, between valid ones. Partition 1: a record
    // whose dependency is away until the test lets it come back.
    await producer.send({
      topic,
      messages: [
        ...["a", "crash-me", "b"].map((value) => ({ partition: 0, value })),
        ...["outage", "c"].map((value) => ({ partition: 1, value })),
      ],
    });
    let dependencyAway = true;
    const handled: string[] = [];
    const consumer = await startBatchConsumer<string>({
      kafka,
      groupId,
      sources: [{ topic, codec: textCodec }],
      stage: "test",
      deadLetters: new DeadLetterPublisher(producer, deadLetterTopic),
      logger,
      retryPolicy: { initialDelayMs: 20, maxDelayMs: 200 },
      handleBatch: async (records) => {
        if (records.some((record) => record.value === "crash-me"))
          throw new RangeError("cannot handle this one");
        if (dependencyAway && records.some((record) => record.value === "outage"))
          throw new TransientError("store unavailable");
        handled.push(...records.map((record) => record.value));
      },
    });
    const committed = async (partition: number) =>
      (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions.find(
        (entry) => entry.partition === partition,
      )?.offset;
    // Partition 0 goes past its bad record while partition 1 still waits for its dependency.
    await waitFor(
      () => committed(0),
      (offset) => offset === "3",
      { what: "partition 0 past the bad record" },
    );
    expect(await committed(1)).toBe("-1");
    expect(handled).toEqual(["a", "b"]);
    const [letter] = await readTopic(kafka, deadLetterTopic, 1);
    expect(letter?.value?.toString()).toBe("crash-me");
    expect(String(letter?.headers?.[deadLetterHeaders.reason])).toMatch(
      /^handler failed 3 times on this record: cannot handle this one/,
    );
    // An outage is never a reason to dead-letter: the partition holds until the dependency is back.
    dependencyAway = false;
    await waitFor(
      () => committed(1),
      (offset) => offset === "2",
      { what: "partition 1 after the outage" },
    );
    expect(handled.sort()).toEqual(["a", "b", "c", "outage"]);
    expect(Number((await admin.fetchTopicOffsets(deadLetterTopic))[0]?.high)).toBe(1);
    await consumer.stop();
    await producer.disconnect();
    await admin.disconnect();
  });

  it("dead-letters a value too big to go whole truncated, with its size and SHA-256, and goes on", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { huge: topic, dlq: deadLetterTopic } = await createFreshTopics(kafka, { huge: 1, dlq: 1 });
    const groupId = uniqueName("group");
    const admin = kafka.admin();
    await admin.connect();
    const producer = await createIdempotentProducer(kafka);
    // Near the broker's 1 MiB limit: with the dead-letter headers it would not fit whole.
    const huge = Buffer.concat([Buffer.from("poison-"), Buffer.alloc(1_000_000, "x")]);
    await producer.send({ topic, messages: [{ value: huge }] });
    await producer.send({ topic, messages: [{ value: "after" }] });
    const handled: string[] = [];
    const consumer = await startBatchConsumer<string>({
      kafka,
      groupId,
      sources: [{ topic, codec: textCodec }],
      stage: "test",
      deadLetters: new DeadLetterPublisher(producer, deadLetterTopic),
      logger,
      handleBatch: async (records) => {
        handled.push(...records.map((record) => record.value));
      },
    });
    const [letter] = await readTopic(kafka, deadLetterTopic, 1);
    expect(letter?.value?.length).toBe(truncatedDeadLetterBytes);
    expect(String(letter?.headers?.[deadLetterHeaders.truncated])).toBe("true");
    expect(String(letter?.headers?.[deadLetterHeaders.originalSize])).toBe(String(huge.length));
    expect(String(letter?.headers?.[deadLetterHeaders.originalSha256])).toBe(
      createHash("sha256").update(huge).digest("hex"),
    );
    await waitFor(
      async () => handled,
      (values) => values.includes("after"),
      { what: "the record after it" },
    );
    await consumer.stop();
    await producer.disconnect();
    await admin.disconnect();
  });
});
