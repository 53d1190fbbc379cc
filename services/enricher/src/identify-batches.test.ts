import { newTouchpoint, noIdentifiers, type Touchpoint } from "@cx/contracts";
import { IdentityGraph } from "@cx/identity";
import type { DecodedRecord } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import type { IdentityCommand } from "@cx/stage-records";
import { describe, expect, it } from "vitest";
import { type IdentityBatch, identifyBatches } from "./identify-batches";

const touchpointsTopic = "touchpoints";
const options = { now: Date.now(), touchpointsTopic, log: createLogger("identify-batches-test", "error") };

const record = (
  topic: string,
  partition: number,
  value: unknown,
): DecodedRecord<Touchpoint | IdentityCommand> => ({
  topic,
  partition,
  key: "key",
  value: value as Touchpoint,
  offset: "0",
  timestampMs: 0,
  headers: {},
  raw: Buffer.from("raw"),
});

const visit = (card: string) =>
  newTouchpoint({
    eventId: `visit-${card}`,
    occurredAt: Date.now() - 1000,
    receivedAt: Date.now() - 1000,
    channel: "store",
    type: "visit",
    sourceSystem: "test",
    identifiers: { ...noIdentifiers, loyaltyId: card },
  });

const batch = (partition: number, ...values: unknown[]): IdentityBatch => ({
  records: values.map((value) => record(touchpointsTopic, partition, value)),
  context: { topic: touchpointsTopic, partition, firstOffset: "0", lastOffset: "0", nextOffset: "1" },
});

describe("identifyBatches", async () => {
  it("identifies the touchpoints of every batch, in order, on one graph", async () => {
    const applied = await identifyBatches(
      new IdentityGraph(),
      [batch(0, visit("A")), batch(1, visit("B"))],
      options,
    );
    expect(applied.failed).toBeUndefined();
    expect(applied.out.identified.map((entry) => entry.value?.touchpoint?.eventId)).toEqual([
      "visit-A",
      "visit-B",
    ]);
  });

  it("stops at the batch that throws and names it", async () => {
    const broken = batch(1, visit("B"), null);
    const applied = await identifyBatches(
      new IdentityGraph(),
      [batch(0, visit("A")), broken, batch(2, visit("C"))],
      options,
    );
    expect(applied.failed?.batch).toBe(broken);
    expect(applied.failed?.error).toBeInstanceOf(TypeError);
    expect(applied.out.identified.map((entry) => entry.value?.touchpoint?.eventId)).not.toContain("visit-C");
  });

  it("refuses a command the graph cannot carry out, as the dead letter of its record", async () => {
    const command = { mergeId: "no-such-merge", requestedBy: "test", requestedAt: Date.now() };
    const commands: IdentityBatch = {
      records: [record("identity-commands", 0, command)],
      context: {
        topic: "identity-commands",
        partition: 0,
        firstOffset: "0",
        lastOffset: "0",
        nextOffset: "1",
      },
    };
    const applied = await identifyBatches(new IdentityGraph(), [commands], options);
    expect(applied.failed).toBeUndefined();
    expect(applied.refused).toHaveLength(1);
    expect(applied.refused[0]?.reason).toMatch(/^identity command refused: /);
    expect(applied.refused[0]?.source).toEqual({ topic: "identity-commands", partition: 0, offset: "0" });
  });
});
