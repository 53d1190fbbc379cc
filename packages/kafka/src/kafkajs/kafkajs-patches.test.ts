import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The files patches/kafkajs+2.2.4.patch changes (npm ci applies it, and fails if it cannot).
const require = createRequire(import.meta.url);
interface KafkajsEncoder {
  buf: Buffer;
  buffer: Buffer;
  writeInt32(value: number): KafkajsEncoder;
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number | bigint): KafkajsEncoder;
}
const Encoder = require("kafkajs/src/protocol/encoder.js") as {
  new (): KafkajsEncoder;
  sizeOfVarLong(value: number | bigint): number;
};

const groupMessagesPerPartition = require("kafkajs/src/producer/groupMessagesPerPartition.js") as (args: {
  topic: string;
  partitionMetadata: { partitionId: number }[];
  messages: { value: string; partition: number }[];
  partitioner: (args: { message: { partition: number } }) => number;
}) => Record<number, { value: string }[]>;

/** The zig-zag LEB128 bytes of a 64-bit value, as the Kafka protocol defines them. */
function zigZagVarLong(value: number | bigint): number[] {
  const wide = BigInt(value);
  let rest = BigInt.asUintN(64, (wide << 1n) ^ (wide >> 63n));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

describe("kafkajs, as patched", () => {
  it("encodes requests in Node's shared buffer pool instead of a zero-filled buffer each", () => {
    const encoder = new Encoder();
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
  });

  it("still writes only what it encoded", () => {
    expect([...new Encoder().writeInt32(7).buffer]).toEqual([0, 0, 0, 7]);
  });

  it("writes varints in place, and 32-bit varlongs without 64-bit arithmetic, to the same bytes", () => {
    const edges = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 30, 2 ** 31 - 1, -(2 ** 31)];
    for (const value of [...edges, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1_764_000_000_000]) {
      expect([...new Encoder().writeVarLong(value).buffer], `varlong ${value}`).toEqual(zigZagVarLong(value));
      expect(Encoder.sizeOfVarLong(value), `size of ${value}`).toBe(zigZagVarLong(value).length);
    }
    for (const value of edges)
      expect([...new Encoder().writeVarInt(value).buffer], `varint ${value}`).toEqual(zigZagVarLong(value));
    const several = new Encoder().writeVarInt(300).writeVarLong(-2).writeVarInt(0);
    expect([...several.buffer]).toEqual([...zigZagVarLong(300), ...zigZagVarLong(-2), 0]);
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
