import type { EachBatchPayload, KafkaMessage } from "@cx/kafka";
import { describe, expect, it } from "vitest";
import { createInMemorySchemaRegistry, createInMemoryTransport, type InMemoryTransport } from "./index";
import { PartitionLog } from "./log";

async function offsets(kafka: InMemoryTransport, topic: string) {
  const admin = kafka.admin();
  return (await admin.fetchTopicOffsets(topic)).map(({ low, high }) => ({
    low: Number(low),
    high: Number(high),
  }));
}

/** Runs a consumer that records every message and resolves each batch, and commits it if asked. */
async function consume(kafka: InMemoryTransport, groupId: string, topic: string, commit = true) {
  const consumer = kafka.consumer({ groupId });
  const seen: KafkaMessage[] = [];
  const batches: number[] = [];
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
      seen.push(...batch.messages);
      batches.push(batch.messages.length);
      resolveOffset(batch.lastOffset());
      const offset = String(Number(batch.lastOffset()) + 1);
      if (commit) await consumer.commitOffsets([{ topic, partition: batch.partition, offset }]);
    },
  });
  return { consumer, seen, batches };
}

describe("PartitionLog", () => {
  it("keeps a tombstone through the compaction that finds it latest and drops it at the next", () => {
    const log = new PartitionLog(true);
    const contents = () => log.messages.map(({ key, value }) => `${key}=${value ?? "null"}`);
    for (const [key, value] of [
      ["a", "1"],
      ["a", null],
      ["b", "2"],
    ] as const)
      log.append({ key, value });
    // The third record made the dirty part (2) outgrow the clean one (1): compacted, tombstone kept.
    expect(contents()).toEqual(["a=null", "b=2"]);
    for (const key of ["c", "d", "e"]) log.append({ key, value: "3" });
    expect(contents()).toEqual(["b=2", "c=3", "d=3", "e=3"]);
    expect(log.offsets()).toEqual({ offset: "6", high: "6", low: "2" });
  });

  it("gives a record that survives a compaction bytes of its own, not a view of a shared pool", () => {
    const log = new PartitionLog(true);
    const pooled = (text: string) => Buffer.from(text); // small: a view of Node's 8 KiB pool
    expect(pooled("x").buffer.byteLength).toBeGreaterThan(1);
    for (const key of ["a", "a", "b"]) log.append({ key: pooled(key), value: pooled(`${key}-value`) });
    expect(log.messages.map(({ key, value }) => `${key}=${value}`)).toEqual(["a=a-value", "b=b-value"]);
    for (const { key, value } of log.messages) {
      expect(key?.buffer.byteLength).toBe(key?.length);
      expect(value?.buffer.byteLength).toBe(value?.length);
    }
  });
});

describe("createInMemoryTransport", () => {
  it("compacts a compacted topic to the latest record per key, tombstones dropped one compaction later", async () => {
    const kafka = createInMemoryTransport();
    const admin = kafka.admin();
    const configEntries = [{ name: "cleanup.policy", value: "compact" }];
    await admin.createTopics({ topics: [{ topic: "state", numPartitions: 1, configEntries }] });
    const producer = kafka.producer();
    for (let round = 0; round < 100; round++)
      await producer.send({
        topic: "state",
        messages: Array.from({ length: 10 }, (_, key) => ({ key: `k${key}`, value: `v${round}` })),
      });
    await producer.send({ topic: "state", messages: [{ key: "k3", value: null }] });
    const [{ low, high } = { low: 0, high: 0 }] = await offsets(kafka, "state");
    expect(high).toBe(1001);
    const { consumer, seen } = await consume(kafka, "reader", "state");
    await kafka.idle();
    await consumer.disconnect();
    // Bounded by the live keys (a dirty part at most as large as the clean one), never all 1001 records.
    expect(seen.length).toBeLessThanOrEqual(22);
    expect(low).toBeGreaterThan(0);
    const latest = new Map(seen.map((message) => [String(message.key), message.value?.toString() ?? null]));
    expect(latest.get("k3")).toBeNull();
    expect(latest.get("k7")).toBe("v99");
    // Offsets keep their gaps: the latest records keep the offsets they were written at.
    expect(seen.at(-1)?.offset).toBe("1000");

    // Enough further writes for two more compactions: the tombstone goes, the other keys stay.
    for (let round = 0; round < 10; round++)
      await producer.send({
        topic: "state",
        messages: Array.from({ length: 10 }, (_, key) => ({ key: `k${key === 3 ? 10 : key}`, value: "w" })),
      });
    const again = await consume(kafka, "late-reader", "state");
    await kafka.idle();
    const keys = new Set(again.seen.map((message) => String(message.key)));
    expect(keys.has("k3")).toBe(false);
    expect(keys.size).toBe(10);
    await again.consumer.disconnect();
  });

  it("drops what every subscribed group committed past when dropConsumed is on; later readers start at low", async () => {
    const kafka = createInMemoryTransport({ dropConsumed: true, defaultPartitions: 1 });
    const producer = kafka.producer();
    const fast = await consume(kafka, "fast", "events");
    const slow = await consume(kafka, "slow", "events", false);
    await producer.send({
      topic: "events",
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `${i}` })),
    });
    await kafka.idle();
    // The slow group has committed nothing: everything is kept for it.
    expect(await offsets(kafka, "events")).toEqual([{ low: 0, high: 50 }]);
    await slow.consumer.commitOffsets([{ topic: "events", partition: 0, offset: "30" }]);
    expect(await offsets(kafka, "events")).toEqual([{ low: 30, high: 50 }]);
    await fast.consumer.disconnect();
    await slow.consumer.disconnect();
    const late = await consume(kafka, "late", "events");
    await kafka.idle();
    expect(late.seen.map((message) => Number(message.offset))).toEqual(
      Array.from({ length: 20 }, (_, i) => 30 + i),
    );
    await late.consumer.disconnect();
  });

  it("commits what a batch resolved when autoCommit is on (kafkajs' default), and only then", async () => {
    const kafka = createInMemoryTransport({ dropConsumed: true, defaultPartitions: 1 });
    const reader = async (groupId: string, autoCommit?: boolean) => {
      const consumer = kafka.consumer({ groupId });
      await consumer.subscribe({ topics: ["events"], fromBeginning: true });
      await consumer.run({
        ...(autoCommit === undefined ? {} : { autoCommit }),
        eachBatch: async () => undefined,
      });
      return consumer;
    };
    const [automatic, manual] = [await reader("automatic"), await reader("manual", false)];
    await kafka.producer().send({
      topic: "events",
      messages: Array.from({ length: 20 }, (_, i) => ({ value: `${i}` })),
    });
    await kafka.idle();
    const committed = async (groupId: string) =>
      (await kafka.admin().fetchOffsets({ groupId, topics: ["events"] }))[0]?.partitions[0]?.offset;
    expect(await committed("automatic")).toBe("20");
    expect(await committed("manual")).toBe("-1");
    // The manual group holds the records until it commits; then both have read them and they go.
    expect(await offsets(kafka, "events")).toEqual([{ low: 0, high: 20 }]);
    await manual.commitOffsets([{ topic: "events", partition: 0, offset: "20" }]);
    expect(await offsets(kafka, "events")).toEqual([{ low: 20, high: 20 }]);
    await automatic.disconnect();
    await manual.disconnect();
  });

  it("keeps compacted topics whole under dropConsumed", async () => {
    const kafka = createInMemoryTransport({ dropConsumed: true });
    const configEntries = [{ name: "cleanup.policy", value: "compact" }];
    await kafka.admin().createTopics({ topics: [{ topic: "log", numPartitions: 1, configEntries }] });
    const reader = await consume(kafka, "reader", "log");
    await kafka.producer().send({
      topic: "log",
      messages: [
        { key: "a", value: "1" },
        { key: "b", value: "2" },
      ],
    });
    await kafka.idle();
    expect(await offsets(kafka, "log")).toEqual([{ low: 0, high: 2 }]);
    await reader.consumer.disconnect();
  });

  it("idle() waits for every consumer down a chain of topics, and a big backlog comes in several batches", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 2 });
    const producer = kafka.producer();
    const forwarder = kafka.consumer({ groupId: "forwarder" });
    await forwarder.subscribe({ topics: ["in"], fromBeginning: true });
    await forwarder.run({
      eachBatch: async ({ batch }) => {
        await new Promise((resolve) => setImmediate(resolve));
        await producer.send({
          topic: "out",
          messages: batch.messages.map(({ key, value }) => ({ key, value })),
        });
      },
    });
    const sink = await consume(kafka, "sink", "out");
    await producer.send({
      topic: "in",
      messages: Array.from({ length: 25_000 }, (_, i) => ({ key: `k${i % 100}`, value: `${i}` })),
    });
    await kafka.idle();
    expect(sink.seen).toHaveLength(25_000);
    expect(Math.max(...sink.batches)).toBeLessThanOrEqual(10_000);
    expect(sink.batches.length).toBeGreaterThan(2);
    await forwarder.disconnect();
    await sink.consumer.disconnect();
  });

  it("idle() resolves at once with no consumers, and waits for a paused partition to be resumed", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 1 });
    await kafka.idle();
    const consumer = kafka.consumer({ groupId: "g" });
    await consumer.subscribe({ topics: ["t"], fromBeginning: true });
    await consumer.run({ eachBatch: async () => undefined });
    consumer.pause([{ topic: "t", partitions: [0] }]);
    await kafka.producer().send({ topic: "t", messages: [{ value: "x" }] });
    let idle = false;
    const waiting = kafka.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    consumer.resume([{ topic: "t" }]);
    await waiting;
    await consumer.disconnect();
  });

  it("hands every partition to a group's newest member: the old one's batch in hand goes stale", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 2 });
    await kafka.producer().send({ topic: "t", messages: [{ key: "k", value: "v" }] });
    const older = kafka.consumer({ groupId: "g" });
    const assignments: Record<string, number[]>[] = [];
    older.on(older.events.GROUP_JOIN, ({ payload }) => assignments.push(payload.memberAssignment));
    let release = () => {};
    const held = new Promise<EachBatchPayload>((resolve) => {
      void older.subscribe({ topics: ["t"], fromBeginning: true }).then(() =>
        older.run({
          eachBatch: (payload) => {
            resolve(payload);
            return new Promise<void>((done) => {
              release = done;
            });
          },
        }),
      );
    });
    const inHand = await held;
    expect(inHand.isStale()).toBe(false);
    const newer = await consume(kafka, "g", "t");
    expect(inHand.isStale()).toBe(true);
    expect(assignments).toEqual([{ t: [0, 1] }, {}]);
    const offset = { topic: "t", partition: inHand.batch.partition, offset: "1" };
    await expect(older.commitOffsets([offset])).rejects.toThrow(/does not own/);
    release();
    await kafka.idle();
    // The newer member read the record again: nothing had been committed.
    expect(newer.seen.map((message) => message.value?.toString())).toEqual(["v"]);
    await older.disconnect();
    await newer.consumer.disconnect();
  });

  it("delivers header values as Buffers whatever was sent", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 1 });
    await kafka.producer().send({
      topic: "h",
      messages: [{ value: "v", headers: { one: "a", many: ["b", Buffer.from("c")], none: undefined } }],
    });
    const { consumer, seen } = await consume(kafka, "g", "h");
    await kafka.idle();
    await consumer.disconnect();
    expect(seen[0]?.headers).toEqual({ one: Buffer.from("a"), many: [Buffer.from("b"), Buffer.from("c")] });
  });
});

describe("createInMemorySchemaRegistry", () => {
  const v1 = { type: "record", name: "Customer", fields: [{ name: "id", type: "string" }] };
  const v2 = { ...v1, fields: [...v1.fields, { name: "tier", type: "string", default: "none" }] };

  it("gives a schema one global id under every subject and looks it up", async () => {
    const registry = createInMemorySchemaRegistry();
    const id = await registry.registerAvro("a-value", v1);
    expect(await registry.registerAvro("b-value", v1)).toBe(id);
    expect(await registry.registerAvro("a-value", v1)).toBe(id);
    const id2 = await registry.registerAvro("a-value", v2);
    expect(id2).not.toBe(id);
    expect(await registry.schemaById(id2)).toEqual({ kind: "avro", schema: v2 });
    expect(await registry.schemaById(999)).toEqual({ kind: "unknown" });
  });

  it("refuses a schema that breaks FULL_TRANSITIVE, naming the subject", async () => {
    const registry = createInMemorySchemaRegistry();
    await registry.registerAvro("customers-value", v1);
    await registry.registerAvro("customers-value", v2);
    // A new field without a default: old records cannot be read with it (backward fails).
    const noDefault = { ...v1, fields: [...v1.fields, { name: "email", type: "string" }] };
    await expect(registry.registerAvro("customers-value", noDefault)).rejects.toThrow(/customers-value/);
    // Changing a field's type breaks the check against the very first version.
    const retyped = { ...v1, fields: [{ name: "id", type: "int" }] };
    await expect(registry.registerAvro("customers-value", retyped)).rejects.toThrow(/version 1/);
    // The refused schemas were not registered: another subject takes them as its first version.
    expect(await registry.registerAvro("other-value", retyped)).toBeGreaterThan(0);
  });
});

describe("createInMemoryTransport, what tools and the embedded run need", () => {
  it("reads a partition again from where a running consumer seeks", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 1 });
    const producer = kafka.producer();
    await producer.send({ topic: "replayed", messages: ["a", "b", "c"].map((value) => ({ value })) });
    const { consumer, seen } = await consume(kafka, "replayer", "replayed");
    await kafka.idle(["replayer"]);
    consumer.seek({ topic: "replayed", partition: 0, offset: "1" });
    await kafka.idle(["replayer"]);
    expect(seen.map((message) => String(message.value))).toEqual(["a", "b", "c", "b", "c"]);
    await consumer.stop();
  });

  it("idle(groups) waits for those groups only, not for a consumer still holding a batch", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 1 });
    await kafka.producer().send({ topic: "shared", messages: [{ value: "x" }] });
    const quick = await consume(kafka, "quick", "shared");
    let release: () => void = () => undefined;
    const slow = kafka.consumer({ groupId: "slow" });
    await slow.subscribe({ topics: ["shared"], fromBeginning: true });
    await slow.run({ eachBatch: () => new Promise<void>((resolve) => (release = resolve)) });
    await kafka.idle(["quick"]);
    expect(quick.seen).toHaveLength(1);
    let allIdle = false;
    const waiting = kafka.idle().then(() => (allIdle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(allIdle).toBe(false);
    release();
    await waiting;
    expect(allIdle).toBe(true);
    await Promise.all([quick.consumer.stop(), slow.stop()]);
  });
});
