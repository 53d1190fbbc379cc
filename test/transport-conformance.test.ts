import {
  type Consumer,
  consumerLag,
  createKafka,
  type EachBatchPayload,
  type KafkaMessage,
  readLatestPerKey,
  type Transport,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { createInMemoryTransport } from "@cx/memory-transport";
import { testServers, uniqueName, waitFor } from "@cx/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger("transport-conformance", process.env.TEST_LOG_LEVEL ?? "warn");

/**
 * One suite for both transports: what the runtime relies on behaves the same in memory as on a real
 * broker through kafkajs. The real-broker side waits by polling (a few seconds at most per case).
 */
describe.each([
  ["in-memory", (): Transport => createInMemoryTransport()],
  [
    "kafkajs",
    (): Transport =>
      createKafka({ KAFKA_BROKERS: testServers().kafkaBrokers, KAFKA_CLIENT_ID: "conformance" }, logger),
  ],
] as const)("the %s transport", (_name, makeTransport) => {
  let kafka: Transport;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(() => {
    kafka = makeTransport();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  const freshTopic = async (name: string, partitions: number, compacted = false) => {
    const topic = uniqueName(name);
    const admin = kafka.admin();
    await admin.connect();
    const configEntries = compacted ? [{ name: "cleanup.policy", value: "compact" }] : [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }],
    });
    await admin.disconnect();
    return topic;
  };

  const connectedProducer = async (transactionalId?: string) => {
    const producer = kafka.producer(
      transactionalId ? { transactionalId, idempotent: true, maxInFlightRequests: 1 } : {},
    );
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    return producer;
  };

  /** A running member of `groupId` that records what it is given; `onBatch` decides resolving and committing. */
  const reader = async (
    groupId: string,
    topic: string,
    onBatch: (payload: EachBatchPayload, consumer: Consumer) => Promise<void> = async () => undefined,
    partitionsConsumedConcurrently = 1,
  ) => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    const seen: (KafkaMessage & { partition: number })[] = [];
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        seen.push(
          ...payload.batch.messages.map((message) => ({ ...message, partition: payload.batch.partition })),
        );
        await onBatch(payload, consumer);
      },
    });
    await joined;
    return { consumer, seen };
  };

  /** Resolves and commits the whole batch. */
  const commitAll = async ({ batch, resolveOffset }: EachBatchPayload, consumer: Consumer) => {
    resolveOffset(batch.lastOffset());
    const offset = (BigInt(batch.lastOffset()) + 1n).toString();
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
  };

  const until = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) =>
    waitFor(async () => condition(), Boolean, { what, timeoutMs, intervalMs: 20 });
  const values = (messages: readonly KafkaMessage[]) => messages.map((message) => message.value?.toString());

  it("keeps the order of each key across many keys and partitions", async () => {
    const topic = await freshTopic("order", 6);
    const producer = await connectedProducer();
    for (let round = 0; round < 10; round++)
      await producer.send({
        topic,
        messages: Array.from({ length: 40 }, (_, key) => ({ key: `key-${key}`, value: `${key}:${round}` })),
      });
    const { seen } = await reader(uniqueName("order"), topic, commitAll, 3);
    await until("all 400 records", () => seen.length >= 400);
    expect(seen).toHaveLength(400);
    for (let key = 0; key < 40; key++) {
      const ofKey = seen.filter((message) => message.key?.toString() === `key-${key}`);
      expect(values(ofKey)).toEqual(Array.from({ length: 10 }, (_, round) => `${key}:${round}`));
      expect(new Set(ofKey.map((message) => message.partition)).size).toBe(1);
    }
    expect(new Set(seen.map((message) => message.partition)).size).toBeGreaterThan(1);
  });

  it("puts a key on the partition Kafka's default (murmur2) partitioner chooses", async () => {
    const topic = await freshTopic("partitioner", 6);
    const producer = await connectedProducer();
    const partitions: number[] = [];
    for (let key = 0; key < 20; key++) {
      const [sent] = await producer.send({ topic, messages: [{ key: `k${key}`, value: "v" }] });
      partitions.push(sent?.partition ?? -1);
    }
    // Computed once with kafkajs' DefaultPartitioner (as a Java client would place them).
    expect(partitions).toEqual([5, 5, 3, 4, 4, 0, 1, 4, 2, 2, 4, 0, 3, 2, 1, 0, 5, 1, 1, 2]);
  });

  it("delivers again, from the committed offset, what a stopped member handled but did not commit", async () => {
    const topic = await freshTopic("redelivery", 1);
    const producer = await connectedProducer();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: "k", value: `${i}` })),
    });
    const groupId = uniqueName("redelivery");
    const first = await reader(groupId, topic, async ({ batch, resolveOffset }, consumer) => {
      resolveOffset(batch.lastOffset());
      // Handled all, committed only the first four.
      if (batch.messages.some((message) => message.offset === "3"))
        await consumer.commitOffsets([{ topic, partition: 0, offset: "4" }]);
    });
    await until("the first member to read all ten", () => first.seen.length >= 10);
    await first.consumer.disconnect();
    const second = await reader(groupId, topic, commitAll);
    await until("the next member to read the rest", () => second.seen.length >= 6);
    expect(second.seen.map((message) => message.offset)).toEqual(["4", "5", "6", "7", "8", "9"]);
  });

  it("shows a transaction's records only once committed, and an aborted one's never", async () => {
    const topic = await freshTopic("transactions", 1);
    const producer = await connectedProducer(uniqueName("tx"));
    const { seen } = await reader(uniqueName("tx-reader"), topic, commitAll);
    const open = await producer.transaction();
    await open.send({ topic, messages: [{ key: "k", value: "committed" }] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(seen).toEqual([]);
    await open.commit();
    await until("the committed record", () => seen.length >= 1);
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: "k", value: "aborted" }] });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic, messages: [{ key: "k", value: "after" }] });
    await last.commit();
    await until("the record after the aborted transaction", () => seen.length >= 2);
    expect(values(seen)).toEqual(["committed", "after"]);
  });

  it("fences the older producer of a transactional id: its open transaction fails and is never seen", async () => {
    const topic = await freshTopic("fencing", 1);
    const transactionalId = uniqueName("fenced");
    const older = await connectedProducer(transactionalId);
    const olderTransaction = await older.transaction();
    await olderTransaction.send({ topic, messages: [{ key: "k", value: "from the fenced producer" }] });
    const newer = await connectedProducer(transactionalId);
    const newerTransaction = await newer.transaction();
    await expect(olderTransaction.commit()).rejects.toThrow();
    await newerTransaction.send({ topic, messages: [{ key: "k", value: "from the newer producer" }] });
    await newerTransaction.commit();
    const { seen } = await reader(uniqueName("fencing-reader"), topic, commitAll);
    await until("the newer producer's record", () => seen.length >= 1);
    expect(values(seen)).toEqual(["from the newer producer"]);
  });

  it("commits a group's offsets sent in a transaction at its commit, and never when it aborts", async () => {
    const input = await freshTopic("offsets-in", 1);
    const output = await freshTopic("offsets-out", 1);
    const producer = await connectedProducer(uniqueName("offsets"));
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const groupId = uniqueName("offsets-group");
    const committed = async () =>
      (await admin.fetchOffsets({ groupId, topics: [input] }))[0]?.partitions[0]?.offset;
    const offsets = (offset: string) => ({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset }] }],
    });
    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ value: "x" }] });
    await aborted.sendOffsets(offsets("3"));
    await aborted.abort();
    const transaction = await producer.transaction();
    await transaction.send({ topic: output, messages: [{ value: "y" }] });
    await transaction.sendOffsets(offsets("5"));
    expect(await committed()).toBe("-1");
    await transaction.commit();
    await until("the offset committed by the transaction", async () => (await committed()) === "5");
  });

  it("restores the latest value per key from a compacted changelog, tombstoned keys absent", async () => {
    const topic = await freshTopic("changelog", 3, true);
    const producer = await connectedProducer();
    for (let version = 1; version <= 3; version++)
      await producer.send({
        topic,
        messages: Array.from({ length: 12 }, (_, key) => ({ key: `c${key}`, value: `c${key}v${version}` })),
      });
    await producer.send({ topic, messages: ["c2", "c5", "c11"].map((key) => ({ key, value: null })) });
    await producer.send({ topic, messages: [{ key: "c5", value: "c5v4" }] });
    const codec = { decode: async (buffer: Buffer) => ({ ok: true as const, value: buffer.toString() }) };
    const restored = await readLatestPerKey(kafka, topic, [0, 1, 2], codec, logger);
    const live = [...restored.values()].flatMap((latest) =>
      [...latest].filter(([, value]) => value !== null),
    );
    const expected = Array.from({ length: 12 }, (_, key) => `c${key}`)
      .filter((key) => key !== "c2" && key !== "c11")
      .map((key) => [key, key === "c5" ? "c5v4" : `${key}v3`]);
    expect(live.sort()).toEqual(expected.sort());
  });

  it("reports consumer lag, down to zero once the group has committed everything", async () => {
    const topic = await freshTopic("lag", 3);
    const producer = await connectedProducer();
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: "v" })),
    });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const groupId = uniqueName("lag");
    expect(await consumerLag(admin, groupId, topic)).toBe(30);
    await reader(groupId, topic, commitAll);
    await until("no lag", async () => (await consumerLag(admin, groupId, topic)) === 0);
  });

  it("holds a paused partition while another flows, and delivers it once resumed", async () => {
    const topic = await freshTopic("pause", 2);
    const producer = await connectedProducer();
    const { consumer, seen } = await reader(uniqueName("pause"), topic, commitAll);
    consumer.pause([{ topic, partitions: [0] }]);
    await producer.send({
      topic,
      messages: [0, 1].flatMap((partition) =>
        Array.from({ length: 5 }, (_, i) => ({ partition, value: `p${partition}-${i}` })),
      ),
    });
    await until("the flowing partition", () => seen.filter((message) => message.partition === 1).length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.filter((message) => message.partition === 0)).toEqual([]);
    consumer.resume([{ topic, partitions: [0] }]);
    await until("the resumed partition", () => seen.filter((message) => message.partition === 0).length >= 5);
    expect(values(seen.filter((message) => message.partition === 0))).toEqual(
      Array.from({ length: 5 }, (_, i) => `p0-${i}`),
    );
  });
});
