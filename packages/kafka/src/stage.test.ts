import { createLogger } from "@cx/logging";
import { createInMemoryTransport } from "@cx/memory-transport";
import { describe, expect, it } from "vitest";
import { readLatestPerKey } from "./partition-state";
import { type StageOptions, startStage } from "./stage";
import type { Transport } from "./transport";

const logger = createLogger("stage-test", "error");
const text = { decode: async (buffer: Buffer) => ({ ok: true, value: buffer.toString("utf8") }) as const };
const number = {
  decode: async (buffer: Buffer) => ({ ok: true, value: Number(buffer.toString("utf8")) }) as const,
};

/** Counts each partition's records: its output echoes them, its changelog keeps the count. */
function countingStage(
  kafka: Transport,
  guarantee: "exactly-once" | "at-least-once",
): StageOptions<string, { count: number }, number> {
  return {
    name: "counter",
    kafka,
    logger,
    groupId: "counters",
    sources: [{ topic: "input", codec: text }],
    deadLetterTopic: "dead-letters",
    concurrency: 2,
    state: {
      layout: "per-partition",
      changelog: { topic: "counts", codec: number },
      restore: (latest, partition) => ({ count: latest.get(`p${partition}`) ?? 0 }),
    },
    delivery: guarantee === "exactly-once" ? { guarantee, transactionalId: "counter" } : { guarantee },
    handle(state, { records, context }) {
      state.count += records.length;
      return {
        outputs: [
          { topic: "output", messages: records.map((record) => ({ key: record.key, value: record.value })) },
        ],
        changelog: [
          {
            topic: "counts",
            messages: [
              { key: `p${context.partition}`, value: String(state.count), partition: context.partition },
            ],
          },
        ],
      };
    },
  };
}

async function send(kafka: Transport, keys: string[]) {
  const producer = kafka.producer();
  await producer.send({ topic: "input", messages: keys.map((key) => ({ key, value: key })) });
}

describe.each(["exactly-once", "at-least-once"] as const)("startStage, %s", (guarantee) => {
  it("writes each record's output once and hands its state to a newer member through the changelog", async () => {
    const kafka = createInMemoryTransport({ defaultPartitions: 2 });
    await kafka.admin().createTopics({
      topics: [
        { topic: "counts", numPartitions: 2, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      ],
    });
    const first = await startStage(countingStage(kafka, guarantee));
    await send(kafka, ["a", "b", "c", "d", "e", "f"]);
    await kafka.idle(["counters"]);
    // A newer member takes every partition over and must continue from the changelog, not from zero.
    const second = await startStage(countingStage(kafka, guarantee));
    await first.stop();
    await send(kafka, ["g", "h", "i", "j"]);
    await kafka.idle(["counters"]);
    await second.stop();
    const outputs = (await kafka.admin().fetchTopicOffsets("output")).reduce(
      (sum, { high }) => sum + Number(high),
      0,
    );
    expect(outputs).toBe(10);
    const counts = await readLatestPerKey(kafka, "counts", [0, 1], number, logger);
    expect((counts.get(0)?.get("p0") ?? 0) + (counts.get(1)?.get("p1") ?? 0)).toBe(10);
  });
});
