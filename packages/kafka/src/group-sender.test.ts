import { describe, expect, it } from "vitest";
import { createGroupSender } from "./group-sender";
import type { Message } from "./transport";

const message = (value: string): Message => ({ key: "k", value });

describe("createGroupSender", () => {
  it("sends alone when idle, gathers what arrives during a send into the next batch, in order", async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const send = createGroupSender(async (messages) => {
      batches.push(messages.map((m) => String(m.value)));
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = send([message("a")]);
    const second = send([message("b"), message("c")]);
    const third = send([message("d")]);
    release();
    await Promise.all([first, second, third]);
    expect(batches).toEqual([["a"], ["b", "c", "d"]]);
  });

  it("fails every caller whose messages were in a failed batch, and only them", async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const send = createGroupSender(async () => {
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      if (calls === 2) throw new Error("broker gone");
    });
    const first = send([message("a")]);
    const second = send([message("b")]);
    const third = send([message("c")]);
    release();
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow("broker gone");
    await expect(third).rejects.toThrow("broker gone");
    await expect(send([message("d")])).resolves.toBeUndefined();
  });

  it("keeps batches under the size limit", async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const send = createGroupSender(async (messages) => {
      sizes.push(messages.length);
      if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 3);
    const pending = [
      send([message("a")]),
      send([message("b"), message("c")]),
      send([message("d"), message("e")]),
    ];
    release();
    await Promise.all(pending);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
