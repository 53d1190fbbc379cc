import { createLogger } from "@cx/logging";
import { createFreshTopics, testKafkaEnv, uniqueName, waitFor } from "@cx/testing";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { createKafka } from "./kafka-config";
import { singleOwnerAssigner } from "./single-owner-assigner";

const logger = createLogger("single-owner-test", "error");

describe("singleOwnerAssigner", () => {
  it("singleOwnerAssigner gives every partition to the member that joined first, and fails over", async () => {
    const env = testKafkaEnv();
    const kafka = new Kafka({ brokers: env.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const { owned: topic } = await createFreshTopics(createKafka(env, logger), { owned: 4 });
    const groupId = uniqueName("owners");
    const assigned = new Map<string, number[]>();
    const join = async (name: string, startedAt: number): Promise<Consumer> => {
      const consumer = kafka.consumer({ groupId, partitionAssigners: [singleOwnerAssigner(startedAt)] });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        assigned.set(name, [...(payload.memberAssignment[topic] ?? [])].sort());
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachBatch: async () => undefined });
      return consumer;
    };
    const first = await join("first", 1000);
    await waitFor(
      async () => assigned.get("first"),
      (partitions) => partitions?.length === 4,
      { what: "first owner" },
    );
    const second = await join("second", 2000);
    await waitFor(
      async () => assigned.get("second"),
      (partitions) => partitions !== undefined,
      { what: "standby joins" },
    );
    expect(assigned.get("second")).toEqual([]);
    expect(assigned.get("first")).toEqual([0, 1, 2, 3]);
    await first.disconnect();
    await waitFor(
      async () => assigned.get("second"),
      (partitions) => partitions?.length === 4,
      {
        what: "standby takes over",
      },
    );
    await second.disconnect();
  });
});
