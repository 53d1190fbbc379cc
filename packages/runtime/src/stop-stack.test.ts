import { describe, expect, it } from "vitest";
import { StopStack } from "./stop-stack";

/** A part whose start waits until released, recording what happens to it. */
function part(name: string, events: string[], { fails = false } = {}) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    starting: {
      name,
      start: async () => {
        events.push(`start ${name}`);
        await released;
        if (fails) throw new Error(`${name} could not start`);
        events.push(`started ${name}`);
        return name;
      },
      stop: (started: string) => void events.push(`stop ${started}`),
    },
  };
}

describe("StopStack.addAll", () => {
  it("starts every part before any has finished starting, and stops them in reverse order", async () => {
    const events: string[] = [];
    const [a, b] = [part("a", events), part("b", events)];
    const stack = new StopStack();
    const adding = stack.addAll(a.starting, b.starting);
    await Promise.resolve();
    expect(events).toEqual(["start a", "start b"]);
    b.release();
    a.release();
    expect(await adding).toEqual(["a", "b"]);
    await stack.stopAll();
    expect(events.slice(-2)).toEqual(["stop b", "stop a"]);
  });

  it("throws the failure once all have settled, and `starting` stops the parts that did start", async () => {
    const events: string[] = [];
    const [a, b, c] = [part("a", events), part("b", events, { fails: true }), part("c", events)];
    for (const each of [a, b, c]) each.release();
    await expect(
      StopStack.starting((stack) => stack.addAll(a.starting, b.starting, c.starting)),
    ).rejects.toThrow("b could not start");
    expect(events.filter((event) => event.startsWith("stop"))).toEqual(["stop c", "stop a"]);
  });
});
