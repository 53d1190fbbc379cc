import { describe, expect, it } from "vitest";
import { inTransaction } from "./partition-producers";
import type { Producer, Transaction } from "./transport";

/** A producer whose transactions do what the test says, recording the calls. */
function fakeProducer(behaviour: { begin?: Error; work?: Error; commit?: Error; abort?: Error }) {
  const calls: string[] = [];
  const step = (name: string, error: Error | undefined) => async () => {
    calls.push(name);
    if (error) throw error;
  };
  const transaction = {
    commit: step("commit", behaviour.commit),
    abort: step("abort", behaviour.abort),
  } as unknown as Transaction;
  const producer: Pick<Producer, "transaction"> = {
    transaction: async () => {
      calls.push("begin");
      if (behaviour.begin) throw behaviour.begin;
      return transaction;
    },
  };
  const run = () =>
    inTransaction(producer, step("work", behaviour.work), async () => {
      calls.push("broken");
    });
  return { calls, run };
}

describe("inTransaction", () => {
  it("commits when the work succeeds", async () => {
    const { calls, run } = fakeProducer({});
    await run();
    expect(calls).toEqual(["begin", "work", "commit"]);
  });

  it("aborts, gives the producer up and rethrows when the work fails (its epoch and sequences are suspect)", async () => {
    const { calls, run } = fakeProducer({
      work: new Error("The broker received an out of order sequence number"),
    });
    await expect(run()).rejects.toThrow("out of order sequence number");
    expect(calls).toEqual(["begin", "work", "abort", "broken"]);
  });

  it("gives the producer up when the abort fails too (a broker outage mid-transaction)", async () => {
    const { calls, run } = fakeProducer({
      work: new Error("connection lost"),
      abort: new Error("broker down"),
    });
    await expect(run()).rejects.toThrow("connection lost");
    expect(calls).toEqual(["begin", "work", "abort", "broken"]);
  });

  it("gives the producer up when a commit fails and the abort is refused", async () => {
    const { calls, run } = fakeProducer({
      commit: new Error("timeout"),
      abort: new Error("state COMMITTING"),
    });
    await expect(run()).rejects.toThrow("timeout");
    expect(calls).toEqual(["begin", "work", "commit", "abort", "broken"]);
  });

  it("gives the producer up when no transaction can be begun (left ABORTING)", async () => {
    const { calls, run } = fakeProducer({
      begin: new Error('Cannot call "beginTransaction" in state "ABORTING"'),
    });
    await expect(run()).rejects.toThrow("ABORTING");
    expect(calls).toEqual(["begin", "broken"]);
  });
});
