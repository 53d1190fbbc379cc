import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The files patches/kafkajs+2.2.4.patch changes (npm ci applies it, and fails if it cannot).
const require = createRequire(import.meta.url);
const Encoder = require("kafkajs/src/protocol/encoder.js") as new () => { buf: Buffer; buffer: Buffer };
const groupMessagesPerPartition = require("kafkajs/src/producer/groupMessagesPerPartition.js") as (args: {
  topic: string;
  partitionMetadata: { partitionId: number }[];
  messages: { value: string; partition: number }[];
  partitioner: (args: { message: { partition: number } }) => number;
}) => Record<number, { value: string }[]>;

describe("kafkajs, as patched", () => {
  it("encodes requests in Node's shared buffer pool instead of a zero-filled buffer each", () => {
    const encoder = new Encoder();
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
  });

  it("still writes only what it encoded", () => {
    const encoder = new Encoder() as unknown as { writeInt32(value: number): unknown; buffer: Buffer };
    encoder.writeInt32(7);
    expect([...encoder.buffer]).toEqual([0, 0, 0, 7]);
  });

  it("groups a send's messages by partition, each partition's in the order they were given", () => {
    const messages = Array.from({ length: 9 }, (_, index) => ({ value: `m${index}`, partition: index % 3 }));
    const grouped = groupMessagesPerPartition({
      topic: "t",
      partitionMetadata: [0, 1, 2].map((partitionId) => ({ partitionId })),
      messages,
      partitioner: ({ message }) => message.partition,
    });
    expect(
      Object.fromEntries(Object.entries(grouped).map(([p, list]) => [p, list.map((m) => m.value)])),
    ).toEqual({
      0: ["m0", "m3", "m6"],
      1: ["m1", "m4", "m7"],
      2: ["m2", "m5", "m8"],
    });
  });
});
