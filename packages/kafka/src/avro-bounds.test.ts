import { touchpointContract } from "@cx/contracts";
import { testKafkaEnv, touchpointOnDay, uniqueName } from "@cx/testing";
import avro from "avsc";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { avroBoundsProblem } from "./avro-bounds";
import { createAvroCodec } from "./avro-codec";
import { createSchemaRegistry } from "./confluent-registry";

const header = (schemaId: number) => {
  const bytes = Buffer.alloc(5);
  bytes.writeInt32BE(schemaId, 1);
  return bytes;
};

/** Zig-zag varint, as Avro writes longs. */
function varint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

describe("avroBoundsProblem", () => {
  const arrayOfLongs = avro.Type.forSchema({ type: "array", items: "long" });
  const arrayOfNulls = avro.Type.forSchema({ type: "array", items: "null" });

  it("refuses a block that declares more items than the bytes could hold, before anything is allocated", () => {
    // The crafted record of the report: a valid header, then an array block of two billion items.
    const crafted = Buffer.concat([varint(2_000_000_000), Buffer.alloc(50)]);
    expect(crafted.length).toBeLessThan(60);
    expect(avroBoundsProblem(arrayOfLongs, crafted, 0)).toMatch(
      /declares 2000000000 items but only 50 bytes remain/,
    );
    expect(avroBoundsProblem(arrayOfNulls, crafted, 0)).toMatch(/items that take no bytes/);
    expect(avroBoundsProblem(arrayOfLongs, Buffer.concat([varint(-3), varint(1 << 30)]), 0)).toMatch(
      /block size/,
    );
  });

  it("refuses a recursive value nested past the depth limit, and checks one within it", () => {
    const node = avro.Type.forSchema({
      type: "record",
      name: "Node",
      fields: [{ name: "next", type: ["null", "Node"] }],
    });
    const nested = (levels: number) => {
      let value: { next: unknown } = { next: null };
      for (let level = 1; level < levels; level++) value = { next: value };
      return node.toBuffer(value);
    };
    expect(avroBoundsProblem(node, nested(10), 0)).toBeUndefined();
    expect(avroBoundsProblem(node, nested(10).subarray(0, 5), 0)).toMatch(/ends inside a number/);
    expect(avroBoundsProblem(node, nested(100), 0)).toMatch(/nested deeper than 64 levels/);
    // A second look at the same schema uses the checks compiled the first time, with the same answers.
    expect(avroBoundsProblem(node, nested(100), 0, { maxDepth: 300, maxZeroByteItems: 10 })).toBeUndefined();
  });

  it("accepts what avsc writes, and refuses lengths past the end", () => {
    const touchpoint = avro.Type.forSchema(touchpointContract.schema as avro.Schema);
    const encoded = touchpoint.toBuffer(touchpointOnDay(1, { attributes: { a: "b" } }));
    expect(avroBoundsProblem(touchpoint, encoded, 0)).toBeUndefined();
    expect(avroBoundsProblem(touchpoint, encoded.subarray(0, encoded.length - 3), 0)).toBeDefined();
    const longString = Buffer.concat([varint(1_000_000), Buffer.from("short")]);
    expect(avroBoundsProblem(avro.Type.forSchema("string"), longString, 0)).toMatch(
      /declared length 1000000/,
    );
    // One-byte varints (most lengths and indexes) are read apart: negative ones and indexes too.
    expect(avroBoundsProblem(avro.Type.forSchema("string"), varint(-1), 0)).toMatch(/declared length -1/);
    const optional = avro.Type.forSchema(["null", "string"]);
    expect(avroBoundsProblem(optional, varint(0), 0)).toBeUndefined();
    expect(
      avroBoundsProblem(optional, Buffer.concat([varint(1), varint(2), Buffer.from("ok")]), 0),
    ).toBeUndefined();
    expect(avroBoundsProblem(optional, varint(2), 0)).toMatch(/union branch 2 out of range/);
    expect(avroBoundsProblem(optional, varint(-1), 0)).toMatch(/union branch -1 out of range/);
  });
});

describe("decoding random and mutated bytes after a valid Confluent header", () => {
  it("decodes or rejects every input with a reason, within a memory and time bound", async () => {
    const { SCHEMA_REGISTRY_URL } = testKafkaEnv();
    const codec = await createAvroCodec(
      createSchemaRegistry(SCHEMA_REGISTRY_URL),
      uniqueName("bounds"),
      touchpointContract.schema,
    );
    const valid = codec.encode(touchpointOnDay(2, { attributes: { k: "v" } }));
    const body = valid.subarray(5);
    // Mutations keep most of a real record (so decoding gets deep), then break lengths and counts.
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat({ max: body.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.nat({ max: body.length }), { nil: undefined }),
      )
      .map(([changes, cut]) => {
        const bytes = Buffer.from(body);
        for (const [at, byte] of changes) bytes[at] = byte;
        return cut === undefined ? bytes : bytes.subarray(0, cut);
      });
    const random = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes));
    const heapBefore = process.memoryUsage().heapUsed;
    let slowestMs = 0;
    const outcomes = { decoded: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, random), async (bytes) => {
        const started = performance.now();
        const result = await codec.decode(Buffer.concat([header(codec.schemaId), bytes]));
        slowestMs = Math.max(slowestMs, performance.now() - started);
        if (result.ok) outcomes.decoded++;
        else {
          outcomes.rejected++;
          expect(result.reason).toMatch(/\S/);
        }
      }),
      { numRuns: 3_000, seed: 13 },
    );
    expect(outcomes.rejected).toBeGreaterThan(0);
    // Bounds against allocation by declared sizes (gigabytes) and decoding without end, not speed targets.
    expect(slowestMs).toBeLessThan(1_000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  });
});
