import { describe, expect, it } from "vitest";
import { offsetCommitter } from "./offset-committer";
import type { Consumer } from "./transport";

type Offsets = Parameters<Consumer["commitOffsets"]>[0];

/** A consumer whose commits are recorded and finish when the test lets them. */
function fakeConsumer() {
  const requests: Offsets[] = [];
  const held: { finish(): void; fail(error: Error): void }[] = [];
  let holding = false;
  const consumer = {
    commitOffsets: (offsets: Offsets) => {
      requests.push(offsets);
      if (!holding) return Promise.resolve();
      return new Promise<void>((resolve, reject) => held.push({ finish: resolve, fail: reject }));
    },
  };
  return {
    consumer,
    requests,
    held,
    hold: () => {
      holding = true;
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("offsetCommitter", () => {
  it("commits what the partitions ask in one turn in one request, the largest offset of each", async () => {
    const fake = fakeConsumer();
    const progressed: string[] = [];
    const commit = offsetCommitter(fake.consumer, (topic, partition) =>
      progressed.push(`${topic}/${partition}`),
    );
    await Promise.all([commit("t", 0, 5n), commit("t", 1, 7n), commit("t", 0, 9n)]);
    expect(fake.requests).toEqual([
      [
        { topic: "t", partition: 0, offset: "9" },
        { topic: "t", partition: 1, offset: "7" },
      ],
    ]);
    expect(progressed.sort()).toEqual(["t/0", "t/1"]);
  });

  it("never moves an offset back", async () => {
    const fake = fakeConsumer();
    const commit = offsetCommitter(fake.consumer, () => undefined);
    await commit("t", 0, 10n);
    await commit("t", 0, 4n);
    expect(fake.requests).toEqual([[{ topic: "t", partition: 0, offset: "10" }]]);
  });

  it("sends what is asked during a request only after it, so a smaller offset cannot land last", async () => {
    const fake = fakeConsumer();
    fake.hold();
    const commit = offsetCommitter(fake.consumer, () => undefined);
    const first = commit("t", 0, 3n);
    await turn();
    const second = commit("t", 0, 8n);
    await turn();
    expect(fake.requests).toHaveLength(1);
    fake.held[0]?.finish();
    await first;
    await turn();
    expect(fake.requests).toHaveLength(2);
    fake.held[1]?.finish();
    await second;
    expect(fake.requests[1]).toEqual([{ topic: "t", partition: 0, offset: "8" }]);
  });

  it("fails the waiters of a failed request and commits again afterwards", async () => {
    const fake = fakeConsumer();
    fake.hold();
    const commit = offsetCommitter(fake.consumer, () => undefined);
    const failing = commit("t", 0, 3n);
    await turn();
    fake.held[0]?.fail(new Error("coordinator away"));
    await expect(failing).rejects.toThrow("coordinator away");
    const again = commit("t", 0, 3n);
    await turn();
    fake.held[1]?.finish();
    await again;
    expect(fake.requests).toHaveLength(2);
  });
});
