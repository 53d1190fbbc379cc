import { describe, expect, it } from "vitest";
import { chunkTopicMessages } from "./send-chunks";

const message = (key: string, bytes: number) => ({ key, value: Buffer.alloc(bytes) });

describe("chunkTopicMessages", () => {
  it("splits sends under the size cap, keeping every message once and in order", () => {
    const topicMessages = [
      { topic: "a", messages: Array.from({ length: 10 }, (_, i) => message(`a${i}`, 300)) },
      { topic: "b", messages: Array.from({ length: 5 }, (_, i) => message(`b${i}`, 300)) },
    ];
    const sends = chunkTopicMessages(topicMessages, 1000);
    for (const send of sends) {
      const bytes = send
        .flatMap((batch) => batch.messages)
        .reduce((sum, m) => sum + (m.value as Buffer).length, 0);
      expect(bytes).toBeLessThanOrEqual(1000);
    }
    const keys = sends.flatMap((send) =>
      send.flatMap((batch) => batch.messages.map((m) => `${batch.topic}:${m.key}`)),
    );
    expect(keys).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `a:a${i}`),
      ...Array.from({ length: 5 }, (_, i) => `b:b${i}`),
    ]);
    expect(chunkTopicMessages([{ topic: "a", messages: [] }])).toEqual([]);
  });
});
