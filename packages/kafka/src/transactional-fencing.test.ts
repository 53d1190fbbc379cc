import { createLogger } from "@cx/logging";
import { createFreshTopics, testKafkaEnv, uniqueName } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { createKafka } from "./kafkajs/kafka-config";
import { createTransactionalProducer } from "./partition-producers";

const logger = createLogger("fencing-test", "fatal");

describe("createTransactionalProducer on the real broker", () => {
  it("fences the previous owner of its transactional id as soon as it is created", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { fencing: topic } = await createFreshTopics(kafka, { fencing: 1 });
    const transactionalId = uniqueName("owner");
    const old = await createTransactionalProducer(kafka, transactionalId);
    const open = await old.transaction();
    await open.send({ topic, messages: [{ key: "k", value: "written by the old owner" }] });
    // The new owner only connects: no transaction of its own yet, as when a stage reads its state first.
    const successor = await createTransactionalProducer(kafka, transactionalId);
    await expect(open.commit()).rejects.toThrow();
    const admin = kafka.admin();
    const ends = await (async () => {
      await admin.connect();
      try {
        return await admin.fetchTopicOffsets(topic);
      } finally {
        await admin.disconnect();
      }
    })();
    // The aborted record and its marker are in the log, but a read-committed consumer sees nothing.
    const consumer = kafka.consumer({ groupId: uniqueName("reader"), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) seen.push(String(message.value));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await consumer.disconnect();
    expect(Number(ends[0]?.high)).toBeGreaterThan(0);
    expect(seen).toEqual([]);
    await old.disconnect().catch(() => undefined);
    await successor.disconnect();
  }, 60_000);
});
