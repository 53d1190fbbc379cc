import { describe, expect, it } from "vitest";
import { keyPartition } from "./murmur2";

describe("keyPartition", () => {
  it("puts keys where kafkajs' DefaultPartitioner does (values computed with kafkajs 2.2.4)", () => {
    const keys = ["", "a", "ab", "abc", "abcd", "ümlaut-✓", "customer-123456789"];
    expect(keys.map((key) => keyPartition(key, 7))).toEqual([2, 5, 0, 4, 5, 1, 6]);
    expect(keys.map((key) => keyPartition(Buffer.from(key), 7))).toEqual([2, 5, 0, 4, 5, 1, 6]);
  });
});
