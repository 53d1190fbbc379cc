import { checkTouchpoint, noExperience } from "@cx/contracts";
import { describe, expect, it } from "vitest";
import {
  adaptersByChannel,
  callRecordAdapter,
  socialWebhookAdapter,
  storeReceiptAdapter,
  webAnalyticsAdapter,
} from "./index";
import { nativeSample, testContext, testHasher } from "./test-support";

const common = {
  receivedAt: testContext.receivedAt,
  sourceSystem: "test-system",
  offerResponse: null,
  consent: null,
  referral: null,
};
const noIds = { loyaltyId: null, emailHash: null, phoneHash: null, deviceId: null, socialHandle: null };

describe("store receipt adapter", () => {
  it("turns the sample receipt into one purchase with net amount, discount and line items", () => {
    expect(storeReceiptAdapter.adapt(nativeSample("store-receipt"), testContext)).toEqual({
      ok: true,
      touchpoints: [
        {
          ...common,
          eventId: "store:R-2026-10-17-0042",
          occurredAt: Date.parse("2026-10-17T14:42:05Z"),
          channel: "store",
          type: "purchase",
          identifiers: { ...noIds, loyaltyId: "L0001234" },
          amount: { minor: 1999 + 2950 - 500, currency: "EUR", discountMinor: 500, marginMinor: null },
          sentiment: null,
          lineItems: [
            { sku: "CABLE-USB-C-2M", quantity: 1, unitPriceMinor: 1999, discountMinor: 0 },
            { sku: "CASE-PX9", quantity: 1, unitPriceMinor: 2950, discountMinor: 500 },
          ],
          experience: noExperience,
          social: null,
          attributes: { storeId: "berlin-mitte", tillId: "till-3" },
        },
      ],
    });
  });

  it("makes a return negative and hashes the customer's email", () => {
    const result = storeReceiptAdapter.adapt(
      {
        ...nativeSample("store-receipt"),
        kind: "return",
        loyaltyCard: undefined,
        customerEmail: " Ann@Example.com ",
      },
      testContext,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [returned] = result.touchpoints;
    expect(returned?.type).toBe("return");
    expect(returned?.amount?.minor).toBe(-4449);
    expect(returned?.lineItems.map((line) => line.quantity)).toEqual([-1, -1]);
    expect(returned?.identifiers.emailHash).toBe(testHasher.email("ann@example.com"));
    expect(JSON.stringify(result)).not.toMatch(/ann@example/i);
  });

  it("records a failed payment as its own touchpoint type", () => {
    const result = storeReceiptAdapter.adapt(
      { ...nativeSample("store-receipt"), paymentStatus: "failed" },
      testContext,
    );
    expect(result.ok && result.touchpoints[0]?.type).toBe("payment_failed");
  });
});

describe("call record adapter", () => {
  it("turns the sample repair call into a resolved service touchpoint with its experience", () => {
    expect(callRecordAdapter.adapt(nativeSample("call-record"), testContext)).toEqual({
      ok: true,
      touchpoints: [
        {
          ...common,
          eventId: "phone:C-88213",
          occurredAt: Date.parse("2026-10-20T07:12:00Z"),
          channel: "phone",
          type: "service_resolved",
          identifiers: { ...noIds, phoneHash: testHasher.phone("+49301234567") },
          amount: null,
          sentiment: 0.6,
          lineItems: [],
          experience: {
            ...noExperience,
            satisfaction: 5,
            waitSeconds: 240,
            handleSeconds: 410,
            resolved: true,
          },
          social: null,
          attributes: { reason: "repair" },
        },
      ],
    });
  });

  it.each([
    ["complaint", false, "complaint"],
    ["repair", false, "service_request"],
    ["inquiry", true, "call"],
  ])("maps reason %s (resolved %s) to %s", (reason, resolved, type) => {
    const result = callRecordAdapter.adapt({ ...nativeSample("call-record"), reason, resolved }, testContext);
    expect(result.ok && result.touchpoints[0]?.type).toBe(type);
  });
});

describe("web analytics adapter", () => {
  it("turns every hit of the sample session into its own touchpoint, dropping query strings", () => {
    const result = webAnalyticsAdapter.adapt(nativeSample("web-analytics"), testContext);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.touchpoints.map((touchpoint) => [touchpoint.eventId, touchpoint.type])).toEqual([
      ["web:h-7f3a-1", "web_session"],
      ["web:h-7f3a-2", "page_view"],
      ["web:h-7f3a-3", "page_view"],
      ["web:h-7f3a-4", "cart"],
      ["web:h-7f3a-5", "purchase"],
    ]);
    const [first, , , , purchase] = result.touchpoints;
    expect(first?.attributes).toEqual({ sessionId: "S-7f3a", path: "/" });
    expect(purchase?.amount).toEqual({ minor: 1999, currency: "EUR", discountMinor: 0, marginMinor: null });
    expect(purchase?.identifiers).toEqual({
      ...noIds,
      deviceId: "d-91c2e0",
      emailHash: testHasher.email("ann.example@example.com"),
    });
    expect(JSON.stringify(result)).not.toMatch(/example\.com/i);
  });
});

describe("social webhook adapter", () => {
  it("turns the sample review into a touchpoint with reach and rating, without the text or link", () => {
    expect(socialWebhookAdapter.adapt(nativeSample("social-webhook"), testContext)).toEqual({
      ok: true,
      touchpoints: [
        {
          ...common,
          eventId: "social:instagram:1839920",
          occurredAt: Date.parse("2026-10-22T11:30:00Z"),
          channel: "social",
          type: "review",
          identifiers: { ...noIds, socialHandle: "instagram:@ann.photos" },
          amount: null,
          sentiment: 0.8,
          lineItems: [],
          experience: noExperience,
          social: { network: "instagram", reach: 1250, rating: 4 },
          attributes: { textLength: "71" },
        },
      ],
    });
  });
});

describe("rejections name the native field", () => {
  const store = nativeSample("store-receipt");
  const line = (store.lines as object[])[0];
  it.each([
    ["missing receiptId", storeReceiptAdapter, { ...store, receiptId: undefined }, "receiptId"],
    [
      "a string quantity",
      storeReceiptAdapter,
      { ...store, lines: [{ ...line, quantity: "one" }] },
      "lines.0.quantity",
    ],
    [
      "a negative quantity",
      storeReceiptAdapter,
      { ...store, lines: [{ ...line, quantity: -2 }] },
      "lines.0.quantity",
    ],
    [
      "a NaN price",
      storeReceiptAdapter,
      { ...store, lines: [{ ...line, unitPrice: Number.NaN }] },
      "lines.0.unitPrice",
    ],
    [
      "an infinite price",
      storeReceiptAdapter,
      { ...store, lines: [{ ...line, unitPrice: Number.POSITIVE_INFINITY }] },
      "lines.0.unitPrice",
    ],
    [
      "a price as text",
      storeReceiptAdapter,
      { ...store, lines: [{ ...line, unitPrice: "19.99" }] },
      "lines.0.unitPrice",
    ],
    ["a bad email", storeReceiptAdapter, { ...store, customerEmail: "not-an-email" }, "customerEmail"],
    ["a bad phone", storeReceiptAdapter, { ...store, customerPhone: "12" }, "customerPhone"],
    ["no identifier", storeReceiptAdapter, { ...store, loyaltyCard: undefined }, ""],
    ["a time without zone", storeReceiptAdapter, { ...store, occurredAt: "2026-10-17 16:42" }, "occurredAt"],
    [
      "a future time",
      storeReceiptAdapter,
      { ...store, occurredAt: "2030-01-01T00:00:00Z" },
      "touchpoint.occurredAt",
    ],
    ["a lone surrogate", storeReceiptAdapter, { ...store, storeId: "berlin\ud800" }, "storeId"],
    ["an unknown reason", callRecordAdapter, { ...nativeSample("call-record"), reason: "chat" }, "reason"],
    [
      "a purchase without value",
      webAnalyticsAdapter,
      {
        ...nativeSample("web-analytics"),
        hits: [{ hitId: "h", at: "2026-10-21T20:05:00Z", kind: "purchase" }],
      },
      "hits.0.value",
    ],
    [
      "sentiment out of range",
      socialWebhookAdapter,
      { ...nativeSample("social-webhook"), sentiment: 2 },
      "sentiment",
    ],
  ])("%s", (_name, adapter, native, path) => {
    const result = adapter.adapt(native, testContext);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
  });

  it("gives an adapter per channel", () => {
    expect(Object.keys(adaptersByChannel).sort()).toEqual(["phone", "social", "store", "web"]);
  });

  it("produces only touchpoints that pass the canonical checks", () => {
    for (const [name, adapter] of [
      ["store-receipt", storeReceiptAdapter],
      ["call-record", callRecordAdapter],
      ["web-analytics", webAnalyticsAdapter],
      ["social-webhook", socialWebhookAdapter],
    ] as const) {
      const result = adapter.adapt(nativeSample(name), testContext);
      if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.issues)}`);
      for (const touchpoint of result.touchpoints)
        expect(checkTouchpoint(touchpoint, testContext.receivedAt).ok).toBe(true);
    }
  });
});
