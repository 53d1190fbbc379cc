import { createLogger } from "@cx/logging";
import { createFreshTopics, testKafkaEnv, uniqueName } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { createKafka } from "./kafkajs/kafka-config";
import { createTransactionalProducer } from "./partition-producers";
import { readPartitionsToEnd } from "./read-to-end";
import { createIdempotentProducer } from "./renewing-producer";

const logger = createLogger("stateful-stage-test", "error");

describe("what stateful stages are built on", () => {
  it("readPartitionsToEnd reads chosen partitions up to their end, past transaction markers", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { changelog: topic } = await createFreshTopics(kafka, {
      changelog: { partitions: 2, compacted: true },
    });
    const plain = await createIdempotentProducer(kafka);
    await plain.send({
      topic,
      messages: [
        { key: "a", value: "1", partition: 0 },
        { key: "b", value: "2", partition: 1 },
      ],
    });
    await plain.disconnect();
    const transactional = await createTransactionalProducer(kafka, uniqueName("tx"));
    const transaction = await transactional.transaction();
    await transaction.send({ topic, messages: [{ key: "a", value: "3", partition: 0 }] });
    await transaction.commit();
    await transactional.disconnect();

    const read: string[] = [];
    const count = await readPartitionsToEnd(
      kafka,
      topic,
      [0],
      (message) => {
        read.push(`${message.key}=${message.value}`);
      },
      logger,
    );
    expect(count).toBe(2);
    expect(read).toEqual(["a=1", "a=3"]);
  });

  it("readPartitionsToEnd fails, saying where it was held, while an open transaction holds the end back", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { changelog: topic } = await createFreshTopics(kafka, {
      changelog: { partitions: 1, compacted: true },
    });
    const plain = await createIdempotentProducer(kafka);
    await plain.send({ topic, messages: [{ key: "a", value: "1", partition: 0 }] });
    await plain.disconnect();
    const transactional = await createTransactionalProducer(kafka, uniqueName("tx"));
    const open = await transactional.transaction();
    await open.send({ topic, messages: [{ key: "a", value: "2", partition: 0 }] });
    try {
      // Read committed, the end lies past the open record: the read is held after offset 0.
      await expect(
        readPartitionsToEnd(kafka, topic, [0], () => undefined, logger, { quietMs: 3_000 }),
      ).rejects.toThrow(/partition 0: read through offset 0 of a high watermark of 2 .*hanging/);
    } finally {
      await open.abort();
      await transactional.disconnect();
    }
  });
});
