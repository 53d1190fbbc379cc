import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { type ItemOutcome, WriteBatcher } from "./write-batcher";

interface Run {
  readonly name: string;
  readonly rows: number;
}

/** A batcher whose flushes are recorded; runs named "bad" fail alone. */
function recordingBatcher(options: { maxRows?: number; maxWaitMs?: number } = {}) {
  const flushes: string[][] = [];
  let flushing = 0;
  let overlapped = false;
  const batcher = new WriteBatcher<Run, string>({
    maxRows: options.maxRows ?? 1000,
    maxWaitMs: options.maxWaitMs ?? 10_000,
    rowsOf: (run) => run.rows,
    async flush(runs): Promise<ItemOutcome<string>[]> {
      overlapped ||= flushing > 0;
      flushing++;
      flushes.push(runs.map((run) => run.name));
      await sleep(5);
      flushing--;
      return runs.map((run) =>
        run.name === "bad" ? { error: new Error("bad run") } : { ok: true, value: `wrote ${run.name}` },
      );
    },
  });
  return { batcher, flushes, overlapped: () => overlapped };
}

describe("WriteBatcher", () => {
  it("writes the runs of handlers in progress together, once every one of them waits", async () => {
    const { batcher, flushes } = recordingBatcher();
    const results = await Promise.all(
      ["a", "b", "c"].map((name, index) =>
        batcher.handle(async () => {
          await sleep(index * 20); // they finish their own work at different times
          return batcher.write({ name, rows: 10 });
        }),
      ),
    );
    expect(results).toEqual(["wrote a", "wrote b", "wrote c"]);
    expect(flushes).toEqual([["a", "b", "c"]]);
  });

  it("does not let a run wait longer than maxWaitMs for a handler still at work", async () => {
    const { batcher, flushes } = recordingBatcher({ maxWaitMs: 30 });
    const started = performance.now();
    let firstWrittenAfterMs = 0;
    await Promise.all([
      batcher.handle(async () => {
        await batcher.write({ name: "early", rows: 10 });
        firstWrittenAfterMs = performance.now() - started;
      }),
      batcher.handle(async () => {
        await sleep(300);
        await batcher.write({ name: "late", rows: 10 });
      }),
    ]);
    expect(flushes).toEqual([["early"], ["late"]]);
    expect(firstWrittenAfterMs).toBeGreaterThanOrEqual(25);
    expect(firstWrittenAfterMs).toBeLessThan(250);
  });

  it("counts a run's wait from when it was written, also behind a slow flush", async () => {
    const flushStartedAtMs: number[] = [];
    const started = performance.now();
    const batcher = new WriteBatcher<Run, string>({
      maxRows: 1000,
      maxWaitMs: 100,
      rowsOf: (run) => run.rows,
      async flush(runs) {
        flushStartedAtMs.push(performance.now() - started);
        await sleep(300);
        return runs.map((run) => ({ ok: true, value: run.name }));
      },
    });
    let release: () => void = () => undefined;
    const busy = batcher.handle(() => new Promise<void>((resolve) => (release = resolve)));
    const first = batcher.write({ name: "a", rows: 1 });
    await sleep(10);
    await Promise.all([first, batcher.handle(() => batcher.write({ name: "b", rows: 1 }))]);
    // b waited out maxWaitMs while a was being flushed: its flush follows a's at once.
    expect(flushStartedAtMs[1]).toBeLessThan(380);
    release();
    await busy;
  });

  it("starts a flush at maxRows and puts no more whole runs in it than fit", async () => {
    const { batcher, flushes } = recordingBatcher({ maxRows: 100, maxWaitMs: 500 });
    let release: () => void = () => undefined;
    // A handler still at work: without the row bound, the others would wait for it (or maxWaitMs).
    const busy = batcher.handle(() => new Promise<void>((resolve) => (release = resolve)));
    const started = performance.now();
    const writtenAfterMs = await Promise.all(
      [
        { name: "a", rows: 60 },
        { name: "b", rows: 30 },
        { name: "c", rows: 30 },
      ].map((run) => batcher.handle(() => batcher.write(run).then(() => performance.now() - started))),
    );
    expect(flushes).toEqual([["a", "b"], ["c"]]);
    expect(writtenAfterMs[0]).toBeLessThan(400); // the row bound started it
    expect(writtenAfterMs[2]).toBeGreaterThanOrEqual(450); // c alone waited for maxWaitMs
    release();
    await busy;
  });

  it("fails only the run its flush failed for", async () => {
    const { batcher } = recordingBatcher();
    const outcomes = await Promise.allSettled([
      batcher.write({ name: "good", rows: 1 }),
      batcher.write({ name: "bad", rows: 1 }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected"]);
  });

  it("fails every run of a flush that threw", async () => {
    const batcher = new WriteBatcher<Run, string>({
      maxRows: 1000,
      maxWaitMs: 1000,
      rowsOf: (run) => run.rows,
      flush: () => Promise.reject(new Error("ClickHouse is away")),
    });
    const outcomes = await Promise.allSettled([
      batcher.write({ name: "a", rows: 1 }),
      batcher.write({ name: "b", rows: 1 }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });

  it("runs exclusive work after the runs written before it and before those written after, one flush at a time", async () => {
    const { batcher, flushes, overlapped } = recordingBatcher();
    const order: string[] = [];
    await Promise.all([
      batcher.write({ name: "before", rows: 1 }).then(() => order.push("before")),
      batcher.exclusive(async () => {
        order.push(`exclusive after ${flushes.length} flush`);
      }),
      batcher.write({ name: "after", rows: 1 }).then(() => order.push("after")),
    ]);
    expect(order).toEqual(["before", "exclusive after 1 flush", "after"]);
    expect(flushes).toEqual([["before"], ["after"]]);
    expect(overlapped()).toBe(false);
  });
});
