import { describe, expect, it } from "vitest";
import { groupOffsets, handledTogether, type PartitionBatch } from "./batch-group";
import type { BatchContext } from "./partition-handler";

const context = (topic: string, partition: number, nextOffset = "10"): BatchContext => ({
  topic,
  partition,
  firstOffset: "0",
  lastOffset: String(Number(nextOffset) - 1),
  nextOffset,
});

const partitionsOf = (batches: PartitionBatch<unknown>[]) => batches.map((batch) => batch.context.partition);

describe("handledTogether", () => {
  it("hands the batches that arrive in one turn of the event loop to one call", async () => {
    const groups: number[][] = [];
    const handle = handledTogether<unknown>(async (batches) => {
      groups.push(partitionsOf(batches));
      return undefined;
    });
    await Promise.all([0, 1, 2].map((partition) => handle([], context("t", partition))));
    expect(groups).toEqual([[0, 1, 2]]);
  });

  it("never handles two groups at once: batches that arrive meanwhile make the next group", async () => {
    const groups: number[][] = [];
    let running = 0;
    let mostAtOnce = 0;
    let release: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handle = handledTogether<unknown>(async (batches) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      groups.push(partitionsOf(batches));
      if (groups.length === 1) await firstHeld;
      running--;
      return undefined;
    });
    const first = handle([], context("t", 0));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [handle([], context("t", 1)), handle([], context("t", 2))];
    release();
    await Promise.all([first, ...later]);
    expect(groups).toEqual([[0], [1, 2]]);
    expect(mostAtOnce).toBe(1);
  });

  it("fails only the batches the group's handler reports as failed", async () => {
    const poison = new Error("poison in partition 1");
    const handle = handledTogether<unknown>(
      async (batches) =>
        new Map(batches.filter((batch) => batch.context.partition === 1).map((b) => [b, poison])),
    );
    const outcomes = await Promise.allSettled(
      [0, 1, 2].map((partition) => handle([], context("t", partition))),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBe(poison);
  });

  it("fails every batch of the group when its handler throws, and goes on with the next group", async () => {
    const broken = new Error("transaction aborted");
    let calls = 0;
    const handle = handledTogether<unknown>(async () => {
      if (++calls === 1) throw broken;
      return undefined;
    });
    const outcomes = await Promise.allSettled([0, 1].map((partition) => handle([], context("t", partition))));
    expect(outcomes.map((outcome) => outcome.status === "rejected" && outcome.reason)).toEqual([
      broken,
      broken,
    ]);
    await expect(handle([], context("t", 0))).resolves.toBeUndefined();
  });
});

describe("groupOffsets", () => {
  it("gives each topic the next offset of each of its partitions", () => {
    const batches = [context("a", 0, "5"), context("b", 3, "7"), context("a", 2, "9")].map((each) => ({
      records: [],
      context: each,
    }));
    expect(groupOffsets(batches)).toEqual([
      {
        topic: "a",
        partitions: [
          { partition: 0, offset: "5" },
          { partition: 2, offset: "9" },
        ],
      },
      { topic: "b", partitions: [{ partition: 3, offset: "7" }] },
    ]);
  });
});
