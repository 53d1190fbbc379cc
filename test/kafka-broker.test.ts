import { createKafka, type Transport } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { testKafkaEnv, uniqueName, waitFor } from "@cx/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Proves the broker version the project runs works with kafkajs 2.2.4 for everything we rely on. */
describe("Kafka broker with kafkajs", () => {
  let kafka: Transport;
  const admin = () => kafka.admin();
  const logger = createLogger("test", "warn");

  beforeAll(() => {
    kafka = createKafka(testKafkaEnv(), logger);
  });

  it("creates topics with partitions and lists them", async () => {
    const topic = uniqueName("created");
    const client = admin();
    await client.connect();
    await client.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const metadata = await client.fetchTopicMetadata({ topics: [topic] });
    await client.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it("commits offsets in a consumer group and resumes after them", async () => {
    const topic = uniqueName("group");
    const groupId = uniqueName("group");
    const client = admin();
    await client.connect();
    await client.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: ["a", "b", "c", "d"].map((value) => ({ key: value, value })) });

    const consumeAll = async (expected: number) => {
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            seen.push(String(message.value));
            await consumer.commitOffsets([
              { topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
          }
        },
      });
      await waitFor(
        async () => seen.length,
        (count) => count >= expected,
        { what: "messages" },
      );
      await consumer.disconnect();
      return seen;
    };

    expect((await consumeAll(4)).sort()).toEqual(["a", "b", "c", "d"]);
    await producer.send({ topic, messages: [{ key: "e", value: "e" }] });
    expect(await consumeAll(1)).toEqual(["e"]);
    const offsets = await client.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((sum, entry) => sum + Number(entry.offset), 0);
    expect(committed).toBe(5);
    await producer.disconnect();
    await client.disconnect();
  });

  it("compacts a topic down to the latest record per key", async () => {
    const topic = uniqueName("compacted");
    const client = admin();
    await client.connect();
    await client.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: [
            { name: "cleanup.policy", value: "compact" },
            { name: "segment.ms", value: "100" },
            { name: "min.cleanable.dirty.ratio", value: "0.01" },
            { name: "delete.retention.ms", value: "100" },
          ],
        },
      ],
    });
    await client.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: "customer-1", value: "v1" },
        { key: "customer-1", value: "v2" },
      ],
    });

    const readAll = async (): Promise<string[]> => {
      // A record on another key rolls the segment, so the one holding customer-1 becomes cleanable.
      await producer.send({ topic, messages: [{ key: "filler", value: "x" }] });
      const consumer = kafka.consumer({ groupId: uniqueName("reader") });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const values: string[] = [];
      let caughtUp = false;
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (String(message.key) === "customer-1") values.push(String(message.value));
          }
          if (BigInt(batch.lastOffset()) + 1n >= BigInt(batch.highWatermark)) caughtUp = true;
        },
      });
      await waitFor(async () => caughtUp, Boolean, { what: "end of the compacted topic" });
      await consumer.disconnect();
      return values;
    };
    const values = await waitFor(readAll, (seen) => seen.length === 1, {
      timeoutMs: 45_000,
      intervalMs: 1_000,
      what: "log compaction",
    });
    expect(values).toEqual(["v2"]);
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin().disconnect();
  });
});
