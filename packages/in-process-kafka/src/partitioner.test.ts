import { randomBytes } from "node:crypto";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { fastDefaultPartitioner } from "./partitioner";

describe("the in-process default partitioner", () => {
  it("puts every key on the partition kafkajs' DefaultPartitioner picks", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const fast = fastDefaultPartitioner();
    for (const partitions of [1, 3, 6, 7, 64]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionErrorCode: 0,
        partitionId,
        leader: 0,
        replicas: [0],
        isr: [0],
      }));
      const keys: (string | Buffer)[] = [
        "",
        "a",
        "ab",
        "abc",
        "abcd",
        "loyalty:L0000042",
        "ümlaut-✓",
        "cust-00042",
      ];
      for (let index = 0; index < 2000; index++) {
        keys.push(randomBytes(index % 37));
        keys.push(`customer-${index}-${"x".repeat(index % 11)}`);
      }
      for (const key of keys) {
        const args = { topic: "t", partitionMetadata, message: { key, value: null } };
        expect(fast(args)).toBe(kafkajs(args));
      }
      const explicit = { topic: "t", partitionMetadata, message: { key: "k", value: null, partition: 0 } };
      expect(fast(explicit)).toBe(0);
    }
  });
});
