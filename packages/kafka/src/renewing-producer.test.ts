import { describe, expect, it } from "vitest";
import { createIdempotentProducer } from "./renewing-producer";
import type { Producer, ProducerRecord, Transport } from "./transport";

/**
 * The broker-side failure (a producer's sequence numbers out of step after a broker restart) is
 * exercised by the fault tests against a real broker; this checks the renewal rules themselves
 * with stand-in producers that fail when told to.
 */
function standInKafka() {
  const made: { id: number; sent: string[]; connected: boolean; failNext: boolean }[] = [];
  const kafka = {
    producer: () => {
      const state = { id: made.length + 1, sent: [] as string[], connected: false, failNext: false };
      made.push(state);
      const producer = {
        events: { CONNECT: "producer.connect" },
        connect: async () => {
          state.connected = true;
        },
        disconnect: async () => {
          state.connected = false;
        },
        send: async (record: ProducerRecord) => {
          if (!state.connected) throw new Error(`producer ${state.id} is disconnected`);
          if (state.failNext) {
            state.failNext = false;
            throw Object.assign(new Error("The broker received an out of order sequence number"), {
              type: "OUT_OF_ORDER_SEQUENCE_NUMBER",
            });
          }
          state.sent.push(String(record.messages[0]?.value));
          return [];
        },
        on: () => () => undefined,
      };
      return producer as unknown as Producer;
    },
  } as unknown as Transport;
  return { kafka, made };
}

const record = (value: string): ProducerRecord => ({ topic: "t", messages: [{ value }] });

describe("createIdempotentProducer", () => {
  it("sends on a new producer after a failed send, renewing once for failures of the same producer", async () => {
    const { kafka, made } = standInKafka();
    const producer = await createIdempotentProducer(kafka);
    await producer.send(record("a"));
    const first = made[0];
    if (!first) throw new Error("no producer made");
    first.failNext = true;
    await expect(producer.send(record("b"))).rejects.toThrow(/out of order/);
    await producer.send(record("b"));
    expect(made.map(({ id, sent, connected }) => ({ id, sent, connected }))).toEqual([
      { id: 1, sent: ["a"], connected: false },
      { id: 2, sent: ["b"], connected: true },
    ]);

    // Two sends under way on one producer both fail: one replacement serves both retries.
    const second = made[1];
    if (!second) throw new Error("no second producer");
    second.connected = false;
    const failed = await Promise.allSettled([producer.send(record("c")), producer.send(record("d"))]);
    expect(failed.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    await Promise.all([producer.send(record("c")), producer.send(record("d"))]);
    expect(made).toHaveLength(3);
    expect(made[2]?.sent).toEqual(["c", "d"]);

    await producer.disconnect();
    expect(made[2]?.connected).toBe(false);
    await expect(producer.send(record("e"))).rejects.toThrow(/disconnected/);
    expect(made).toHaveLength(3);
  });
});
