import { setTimeout as sleep } from "node:timers/promises";
import { createLogger } from "@cx/logging";
import { createFreshTopics, testKafkaEnv, uniqueName } from "@cx/testing";
import type { Producer as KafkajsProducer } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createTransactionalProducer } from "../partition-producers";
import { coordinatorKeptMs } from "./coordinator-cache";
import { createKafka } from "./kafka-config";

const logger = createLogger("coordinator-cache-test", "fatal");

describe("coordinator lookups on the real broker", () => {
  it("are kept between transactions for a while, and made again after it", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { input, output } = await createFreshTopics(kafka, { input: 1, output: 1 });
    const producer = await createTransactionalProducer(kafka, uniqueName("kept"));
    const lookups: string[] = [];
    (producer as unknown as KafkajsProducer).on("producer.network.request", ({ payload }) => {
      if (payload.apiName === "GroupCoordinator") lookups.push(payload.apiName);
    });
    const group = uniqueName("group");
    const transact = async (offset: number) => {
      const transaction = await producer.transaction();
      await transaction.sendBatch({
        topicMessages: [{ topic: output, messages: [{ key: "k", value: "v" }] }],
      });
      await transaction.sendOffsets({
        consumerGroupId: group,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: String(offset) }] }],
      });
      await transaction.commit();
    };
    try {
      await transact(1); // finds the transaction's and the group's coordinators
      const afterFirst = lookups.length;
      for (let offset = 2; offset <= 6; offset++) {
        // A transaction begun while the last one's markers are still being written meets
        // CONCURRENT_TRANSACTIONS, after which kafkajs refreshes its metadata and so looks again.
        await sleep(50);
        await transact(offset);
      }
      // Without keeping them: four lookups a transaction (AddPartitionsToTxn, AddOffsetsToTxn,
      // TxnOffsetCommit, EndTxn), 20 here; kept: none, or the two again if the run outlasted their time.
      expect(lookups.length - afterFirst).toBeLessThanOrEqual(4);
      await sleep(coordinatorKeptMs + 200);
      const beforeExpiry = lookups.length;
      await transact(7);
      expect(lookups.length - beforeExpiry).toBeGreaterThanOrEqual(2);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);
});
