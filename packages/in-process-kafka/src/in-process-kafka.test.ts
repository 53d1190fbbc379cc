import {
  consumerLag,
  createIdempotentProducer,
  createTransactionalProducer,
  DeadLetterPublisher,
  deadLetterHeaders,
  ensureTopics,
  readLatestPerKey,
  singleOwnerAssigner,
  startBatchConsumer,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { readTopic, waitFor } from "@cx/testing";
import { type EachBatchPayload, type Kafka, type KafkaMessage, Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createInProcessKafka } from "./index";

const logger = createLogger("in-process-kafka-test", "error");

async function withTopics(kafka: Kafka, topics: Record<string, number>, compacted: string[] = []) {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(
    admin,
    Object.entries(topics).map(([topic, partitions]) => ({
      topic,
      partitions,
      replicationFactor: 1,
      compacted: compacted.includes(topic),
    })),
  );
  return admin;
}

/** Collects what a group reads, committing after each batch like the services do. */
async function collect(kafka: Kafka, groupId: string, topic: string, options: { fail?: number } = {}) {
  const seen: { partition: number; message: KafkaMessage }[] = [];
  const batches: string[] = [];
  let failures = options.fail ?? 0;
  const consumer = kafka.consumer({ groupId, retry: { initialRetryTime: 5 } });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
      batches.push(`${batch.partition}@${batch.firstOffset()}`);
      if (failures > 0) {
        failures--;
        throw new Error("store down");
      }
      for (const message of batch.messages) seen.push({ partition: batch.partition, message });
      resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([
        { topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
      ]);
    },
  });
  return { consumer, seen, batches };
}

describe("in-process Kafka", () => {
  it("keeps each key's order on the partition kafkajs' default partitioner picks", async () => {
    const kafka = createInProcessKafka();
    await withTopics(kafka, { events: 4 });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = Array.from({ length: 40 }, (_, index) => `customer-${index}`);
    for (let round = 0; round < 50; round++)
      await producer.send({
        topic: "events",
        messages: keys.map((key) => ({ key, value: `${round}` })),
      });
    const first = await collect(kafka, "readers", "events");
    const second = await collect(kafka, "readers", "events");
    await waitFor(
      async () => first.seen.length + second.seen.length,
      (count) => count === 2000,
    );
    const partitioner = Partitioners.DefaultPartitioner();
    const metadata =
      (await kafka.admin().fetchTopicMetadata({ topics: ["events"] })).topics[0]?.partitions ?? [];
    const byKey = new Map<string, { partition: number; rounds: number[] }>();
    for (const { partition, message } of [...first.seen, ...second.seen]) {
      const key = String(message.key);
      const entry = byKey.get(key) ?? { partition, rounds: [] };
      expect(entry.partition).toBe(partition);
      entry.rounds.push(Number(String(message.value)));
      byKey.set(key, entry);
    }
    for (const [key, { partition, rounds }] of byKey) {
      expect(partition).toBe(
        partitioner({ topic: "events", partitionMetadata: metadata, message: { key, value: null } }),
      );
      expect(rounds).toEqual(Array.from({ length: 50 }, (_, index) => index));
    }
    // Both members got partitions (round robin), and each record came once.
    expect(first.seen.length).toBeGreaterThan(0);
    expect(second.seen.length).toBeGreaterThan(0);
    await Promise.all([first.consumer.disconnect(), second.consumer.disconnect()]);
  });

  it("hands a batch whose handler failed to it again, from the same offset", async () => {
    const kafka = createInProcessKafka();
    await withTopics(kafka, { work: 1 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "work", messages: ["a", "b", "c"].map((value) => ({ key: "k", value })) });
    const reader = await collect(kafka, "workers", "work", { fail: 1 });
    await waitFor(
      async () => reader.seen.length,
      (count) => count === 3,
    );
    expect(reader.batches).toEqual(["0@0", "0@0"]);
    expect(reader.seen.map(({ message }) => String(message.value))).toEqual(["a", "b", "c"]);
    await reader.consumer.disconnect();
  });

  it("redelivers records a member did not commit to the next member of the group", async () => {
    const kafka = createInProcessKafka();
    const admin = await withTopics(kafka, { work: 2 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "work",
      messages: Array.from({ length: 10 }, (_, index) => ({ key: `k${index}`, value: `v${index}` })),
    });
    const handled: string[] = [];
    const forgetful = kafka.consumer({ groupId: "group" });
    await forgetful.connect();
    await forgetful.subscribe({ topic: "work", fromBeginning: true });
    await forgetful.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) handled.push(String(message.value));
      },
    });
    await waitFor(
      async () => handled.length,
      (count) => count === 10,
    );
    await forgetful.stop();
    await forgetful.disconnect();
    expect((await admin.fetchOffsets({ groupId: "group", topics: ["work"] }))[0]?.partitions).toEqual([
      { partition: 0, offset: "-1", metadata: null },
      { partition: 1, offset: "-1", metadata: null },
    ]);
    const next = await collect(kafka, "group", "work");
    await waitFor(
      async () => next.seen.length,
      (count) => count === 10,
    );
    await waitFor(
      () => consumerLag(admin, "group", "work"),
      (lag) => lag === 0,
    );
    await next.consumer.disconnect();
  });

  it("moves partitions between members when one joins or leaves, and the single-owner assigner keeps one owner", async () => {
    const kafka = createInProcessKafka();
    await withTopics(kafka, { input: 3 });
    const assignments = new Map<string, Record<string, number[]>>();
    const member = async (name: string, startedAt: number) => {
      const consumer = kafka.consumer({
        groupId: "owners",
        partitionAssigners: [singleOwnerAssigner(startedAt)],
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) =>
        assignments.set(name, event.payload.memberAssignment),
      );
      await consumer.connect();
      await consumer.subscribe({ topic: "input", fromBeginning: true });
      await consumer.run({ eachBatch: async () => undefined });
      return consumer;
    };
    const older = await member("older", 1);
    const younger = await member("younger", 2);
    await waitFor(
      async () => JSON.stringify(Object.fromEntries(assignments)),
      (text) => text === JSON.stringify({ older: { input: [0, 1, 2] }, younger: {} }),
    );
    await older.disconnect();
    await waitFor(
      async () => assignments.get("younger")?.input?.length ?? 0,
      (count) => count === 3,
    );
    await younger.disconnect();
  });

  it("makes a transaction's records and offsets visible at commit only, never an aborted one's, and fences an older producer", async () => {
    const kafka = createInProcessKafka();
    const admin = await withTopics(kafka, { out: 2, in: 1 });
    const reader = await collect(kafka, "reader", "out");
    const first = await createTransactionalProducer(kafka, "tx");
    const open = await first.transaction();
    await open.send({ topic: "out", messages: [{ key: "a", value: "1" }] });
    await open.sendOffsets({
      consumerGroupId: "stage",
      topics: [{ topic: "in", partitions: [{ partition: 0, offset: "7" }] }],
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reader.seen).toHaveLength(0);
    expect((await admin.fetchOffsets({ groupId: "stage", topics: ["in"] }))[0]?.partitions[0]?.offset).toBe(
      "-1",
    );
    await open.commit();
    await waitFor(
      async () => reader.seen.length,
      (count) => count === 1,
    );
    expect((await admin.fetchOffsets({ groupId: "stage", topics: ["in"] }))[0]?.partitions[0]?.offset).toBe(
      "7",
    );

    const aborted = await first.transaction();
    await aborted.send({ topic: "out", messages: [{ key: "b", value: "2" }] });
    await aborted.abort();

    const zombie = await first.transaction();
    await zombie.send({ topic: "out", messages: [{ key: "c", value: "3" }] });
    const second = await createTransactionalProducer(kafka, "tx");
    const taken = await second.transaction(); // InitProducerId: a new epoch fences the first producer
    await taken.send({ topic: "out", messages: [{ key: "d", value: "4" }] });
    await expect(zombie.commit()).rejects.toMatchObject({ type: "PRODUCER_FENCED" });
    await taken.commit();
    await waitFor(
      async () => reader.seen.map(({ message }) => String(message.value)).join(),
      (values) => values === "1,4",
    );
    await expect(first.transaction()).rejects.toMatchObject({ type: "PRODUCER_FENCED" });
    await reader.consumer.disconnect();
  });

  it("delivers tombstones as null values and restores the latest value per key", async () => {
    const kafka = createInProcessKafka();
    await withTopics(kafka, { changelog: 2 }, ["changelog"]);
    const producer = await createIdempotentProducer(kafka);
    await producer.send({
      topic: "changelog",
      messages: [
        { key: "x", value: "1" },
        { key: "y", value: "1" },
        { key: "x", value: null },
        { key: "y", value: "2" },
      ],
    });
    const reader = await collect(kafka, "reader", "changelog");
    await waitFor(
      async () => reader.seen.length,
      (count) => count === 4,
    );
    expect(
      reader.seen.filter(({ message }) => message.value === null).map(({ message }) => String(message.key)),
    ).toEqual(["x"]);
    await reader.consumer.disconnect();
    const text = { decode: async (buffer: Buffer) => ({ ok: true as const, value: buffer.toString() }) };
    const latest = await readLatestPerKey(kafka, "changelog", [0, 1], text, logger);
    const merged = new Map([...(latest.get(0) ?? []), ...(latest.get(1) ?? [])]);
    expect(Object.fromEntries(merged)).toEqual({ x: null, y: "2" });
  });

  it("runs the project's batch consumer: dead letters with their reason, commits, and lag 0", async () => {
    const kafka = createInProcessKafka();
    const admin = await withTopics(kafka, { input: 3, dlq: 1 });
    const producer = await createIdempotentProducer(kafka);
    await producer.send({
      topic: "input",
      messages: ["a", "poison-b", "c", "d"].map((value, index) => ({ key: `k${index}`, value })),
    });
    const handled: string[] = [];
    let failOnce = true;
    const consumer = await startBatchConsumer<string>({
      kafka,
      groupId: "stage",
      stage: "test-stage",
      sources: [
        {
          topic: "input",
          codec: {
            decode: async (buffer) =>
              buffer.toString().startsWith("poison")
                ? { ok: false, reason: "poisoned" }
                : { ok: true, value: buffer.toString() },
          },
        },
      ],
      deadLetters: new DeadLetterPublisher(producer, "dlq"),
      logger,
      retryPolicy: { initialDelayMs: 5, maxDelayMs: 20 },
      async handleBatch(records) {
        if (failOnce) {
          failOnce = false;
          throw new Error("store down");
        }
        handled.push(...records.map((record) => record.value));
      },
    });
    await waitFor(
      () => consumerLag(admin, "stage", "input"),
      (lag) => lag === 0,
    );
    expect(handled.sort()).toEqual(["a", "c", "d"]);
    const letters = await collect(kafka, "dlq-reader", "dlq");
    await waitFor(
      async () => letters.seen.length,
      (count) => count === 1,
    );
    const [letter] = letters.seen;
    expect(String(letter?.message.value)).toBe("poison-b");
    expect(String(letter?.message.headers?.[deadLetterHeaders.reason])).toBe("poisoned");
    expect(String(letter?.message.headers?.[deadLetterHeaders.sourceTopic])).toBe("input");
    await letters.consumer.disconnect();
    await consumer.stop();
  });

  it("answers the admin calls the services make", async () => {
    const kafka = createInProcessKafka();
    const other = createInProcessKafka();
    const admin = kafka.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: "t", numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: "t", numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toEqual(["t"]);
    expect((await admin.fetchTopicMetadata({ topics: ["t"] })).topics[0]?.partitions).toHaveLength(3);
    expect(await admin.fetchTopicOffsets("t")).toEqual(
      [0, 1, 2].map((partition) => ({ partition, offset: "0", high: "0", low: "0" })),
    );
    const { clusterId } = await admin.describeCluster();
    expect(clusterId).not.toBe((await other.admin().describeCluster()).clusterId);
    await expect(admin.fetchTopicMetadata({ topics: ["missing"] })).rejects.toMatchObject({
      type: "UNKNOWN_TOPIC_OR_PARTITION",
    });
    await admin.deleteTopics({ topics: ["t"] });
    expect(await admin.listTopics()).toEqual([]);
  });

  it("crashes a consumer whose handler keeps failing, then restarts it as a new member that gets the batch again", async () => {
    const kafka = createInProcessKafka();
    await withTopics(kafka, { work: 1 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "work", messages: [{ key: "k", value: "only" }] });
    let failures = 3;
    const handled: string[] = [];
    const members: string[] = [];
    const crashes: { message: string; restart: boolean }[] = [];
    const consumer = kafka.consumer({ groupId: "crashing", retry: { retries: 1, initialRetryTime: 5 } });
    consumer.on(consumer.events.GROUP_JOIN, (event) => members.push(event.payload.memberId));
    consumer.on(consumer.events.CRASH, (event) =>
      crashes.push({ message: event.payload.error.message, restart: event.payload.restart }),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: "work", fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (failures-- > 0) throw new Error("not yet");
        handled.push(String(message.value));
      },
    });
    await waitFor(
      async () => handled.length,
      (count) => count === 1,
    );
    expect(crashes).toEqual([{ message: "not yet", restart: true }]);
    expect(new Set(members).size).toBe(2);
    await consumer.disconnect();
  });

  it("serves the test helpers' eachMessage readers (auto-commit)", async () => {
    const kafka = createInProcessKafka();
    const admin = await withTopics(kafka, { notes: 2 });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: "notes",
      messages: [{ key: "a", value: "1", headers: { source: "test", tags: ["x", "y"] } }, { value: "2" }],
    });
    const messages = await readTopic(kafka, "notes", 2);
    expect(messages.map((message) => String(message.value)).sort()).toEqual(["1", "2"]);
    const withHeaders = messages.find((message) => String(message.value) === "1");
    expect(withHeaders?.headers?.source).toEqual(Buffer.from("test"));
    expect(withHeaders?.headers?.tags).toEqual([Buffer.from("x"), Buffer.from("y")]);
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId);
    expect(groups).toHaveLength(1);
    expect(await consumerLag(admin, groups[0] as string, "notes")).toBe(0);
  });
});
