import { createIdentifierHasher, createSegmentAdapter } from "@cx/channel-adapters";
import { describe, expect, it } from "vitest";
import { callsOf, ingestSegmentCalls } from "./segment-calls";

const context = {
  hash: createIdentifierHasher("k".repeat(32), "DE"),
  receivedAt: Date.parse("2026-12-01T10:00:00Z"),
  sourceSystem: "website",
};
const adapter = createSegmentAdapter({ channel: "web", defaultCurrency: "EUR" });

describe("Segment calls of a request", () => {
  it("gives a single call its route's type and drops the write key from it", () => {
    expect(callsOf({ type: "page", event: "x", writeKey: "secret-key" }, "track")).toEqual([
      { type: "track", event: "x" },
    ]);
  });

  it("applies a batch's sentAt and context to calls that do not set their own", () => {
    const calls = callsOf(
      {
        sentAt: "2026-12-01T10:00:00Z",
        context: { timezone: "Europe/Berlin", library: { name: "x" } },
        batch: [
          { type: "track", context: { timezone: "UTC" } },
          { type: "page", sentAt: "2026-12-01T09:00:00Z" },
        ],
      },
      "batch",
    );
    expect(calls).toEqual([
      { type: "track", sentAt: "2026-12-01T10:00:00Z", context: { timezone: "UTC", library: { name: "x" } } },
      {
        type: "page",
        sentAt: "2026-12-01T09:00:00Z",
        context: { timezone: "Europe/Berlin", library: { name: "x" } },
      },
    ]);
    expect(callsOf({ batch: "no" }, "batch")).toEqual([]);
  });

  it("refuses a call over 32 KB and adapts the others of the batch", () => {
    const outcomes = ingestSegmentCalls(
      [
        { type: "track", event: "Big", anonymousId: "a", properties: { blob: "z".repeat(33 * 1024) } },
        { type: "page", anonymousId: "a", messageId: "m" },
      ],
      adapter,
      context,
      20,
    );
    expect(outcomes[0]).toMatchObject({
      ok: false,
      tooLarge: true,
      reason: expect.stringMatching(/over Segment's limit of 32768/),
    });
    expect(outcomes[1]).toMatchObject({
      ok: true,
      touchpoints: [{ eventId: "segment:website:m", type: "page_view" }],
    });
  });

  it("refuses a call nested deeper than the limit without walking it, and adapts the others", () => {
    let deep: unknown = "x";
    for (let level = 0; level < 10_000; level += 1) deep = { deeper: deep };
    const outcomes = ingestSegmentCalls(
      [
        { type: "track", event: "Deep", anonymousId: "a", properties: { deep } },
        { type: "page", anonymousId: "a", messageId: "m" },
      ],
      adapter,
      context,
      20,
    );
    expect(outcomes[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/deeper than 20 levels/) });
    expect(outcomes[1]).toMatchObject({ ok: true });
  });
});
