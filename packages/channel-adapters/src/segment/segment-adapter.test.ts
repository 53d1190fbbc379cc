import { describe, expect, it } from "vitest";
import { testContext, testHasher } from "../test-support";
import { createSegmentAdapter } from "./segment-adapter";

const adapter = createSegmentAdapter({ channel: "web", defaultCurrency: "USD" });
const at = "2026-10-24T12:00:00.000Z";
const adapt = (call: Record<string, unknown>) => {
  const result = adapter.adapt({ timestamp: at, ...call }, testContext);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.touchpoints;
};

describe("Segment adapter", () => {
  it("turns an Order Completed into a purchase with its total, discount and products", () => {
    const [purchase, ...rest] = adapt({
      type: "track",
      event: "Order Completed",
      messageId: "m-1",
      userId: "L0001234",
      anonymousId: "anon-7",
      context: { traits: { email: " Ann@Example.com " }, timezone: "Europe/Berlin" },
      properties: {
        order_id: "O-9",
        total: 44.49,
        discount: 5,
        currency: "EUR",
        products: [
          { product_id: "CABLE", price: 19.99, quantity: 1, name: "USB-C cable" },
          { sku: "CASE", price: 29.5 },
        ],
      },
    });
    expect(rest).toEqual([]);
    expect(purchase).toMatchObject({
      eventId: "segment:test-system:m-1",
      type: "purchase",
      channel: "web",
      occurredAt: Date.parse(at),
      identifiers: {
        loyaltyId: "L0001234",
        deviceId: "anon-7",
        emailHash: testHasher.email("ann@example.com"),
        phoneHash: null,
      },
      amount: { minor: 4449, currency: "EUR", discountMinor: 500, marginMinor: null },
      lineItems: [
        { sku: "CABLE", quantity: 1, unitPriceMinor: 1999, discountMinor: 0 },
        { sku: "CASE", quantity: 1, unitPriceMinor: 2950, discountMinor: 0 },
      ],
      attributes: {
        segmentCall: "track",
        event: "Order Completed",
        orderId: "O-9",
        timeZone: "Europe/Berlin",
      },
    });
  });

  it("makes a refund a negative return and a Product Added a cart in the default currency", () => {
    const [refund] = adapt({
      type: "track",
      event: "Order Refunded",
      messageId: "m-2",
      userId: "L1",
      properties: { order_id: "O-9", products: [{ product_id: "CASE", price: 29.5, quantity: 2 }] },
    });
    expect(refund).toMatchObject({
      type: "return",
      amount: { minor: -5900, currency: "USD" },
      lineItems: [{ sku: "CASE", quantity: -2, unitPriceMinor: 2950 }],
    });
    const [cart] = adapt({
      type: "track",
      event: "Product Added",
      messageId: "m-3",
      anonymousId: "a",
      properties: { product_id: "CABLE", price: 19.99, quantity: 3 },
    });
    expect(cart).toMatchObject({
      type: "cart",
      amount: { minor: 5997 },
      lineItems: [{ sku: "CABLE", quantity: 3, unitPriceMinor: 1999 }],
    });
  });

  it("keeps only the path of a page and the name of a screen", () => {
    const [page] = adapt({
      type: "page",
      messageId: "p",
      anonymousId: "a",
      name: "Cables",
      properties: { path: "/cables?email=ann@example.com", url: "https://shop.example/cables?x" },
    });
    expect(page).toMatchObject({
      type: "page_view",
      attributes: { segmentCall: "page", path: "/cables", page: "Cables" },
    });
    expect(JSON.stringify(page)).not.toContain("ann@example.com");
    const [screen] = adapt({ type: "screen", messageId: "s", anonymousId: "a", name: "Basket" });
    expect(screen).toMatchObject({ type: "page_view", attributes: { screen: "Basket" } });
  });

  it("links an identify's ids, hashes its email and phone, drops personal traits and reports consent", () => {
    const touchpoints = adapt({
      type: "identify",
      messageId: "i-1",
      userId: "L0001234",
      anonymousId: "anon-7",
      traits: {
        email: "ann@example.com",
        phone: "030 1234567",
        firstName: "Ann",
        plan: "gold",
        address: { city: "Berlin" },
      },
      context: { consent: { categoryPreferences: { email: true, sms: false, analytics: true } } },
    });
    expect(touchpoints.map((each) => each.type)).toEqual(["other", "consent_change", "consent_change"]);
    const [identify, email, sms] = touchpoints;
    expect(identify?.identifiers).toEqual({
      loyaltyId: "L0001234",
      emailHash: testHasher.email("ann@example.com"),
      phoneHash: testHasher.phone("+49301234567"),
      deviceId: "anon-7",
      socialHandle: null,
    });
    expect(identify?.attributes).toEqual({ segmentCall: "identify", "trait.plan": "gold" });
    expect(JSON.stringify(touchpoints)).not.toMatch(/Ann|Berlin|example\.com|1234567"/);
    expect(email).toMatchObject({
      eventId: "segment:test-system:i-1:consent:email",
      consent: { scope: "email", granted: true },
    });
    expect(sms?.consent).toEqual({ scope: "sms", granted: false });
  });

  it("turns the consent event into consent changes only, marketing meaning every channel", () => {
    const touchpoints = adapt({
      type: "track",
      event: "Segment Consent Preference Updated",
      messageId: "c",
      anonymousId: "a",
      context: { consent: { categoryPreferences: { Marketing: false } } },
    });
    expect(touchpoints.map((each) => [each.type, each.consent])).toEqual([
      ["consent_change", { scope: "all", granted: false }],
    ]);
  });

  it("links an alias's previous id to the user", () => {
    const [alias] = adapt({ type: "alias", messageId: "al", userId: "L9", previousId: "anon-3" });
    expect(alias?.identifiers).toMatchObject({ loyaltyId: "L9", deviceId: "anon-3" });
  });

  it("keeps an unknown event by name with its plain, non-personal properties up to 50 attributes", () => {
    const properties = Object.fromEntries(Array.from({ length: 80 }, (_, index) => [`p${index}`, index]));
    const [event] = adapt({
      type: "track",
      event: "Cable Care Video Watched",
      messageId: "u",
      anonymousId: "a",
      properties: { ...properties, email: "ann@example.com", nested: { a: 1 } },
    });
    expect(event?.type).toBe("other");
    expect(event?.attributes.event).toBe("Cable Care Video Watched");
    expect(event?.attributes["property.p0"]).toBe("0");
    expect(Object.keys(event?.attributes ?? {})).toHaveLength(50);
    expect(JSON.stringify(event)).not.toContain("ann@example.com");
  });

  it("corrects the device's clock skew from sentAt and names calls without messageId by content", () => {
    const receivedAt = testContext.receivedAt;
    const hourFast = 3_600_000;
    const call = {
      type: "track",
      event: "Signed Up",
      anonymousId: "a",
      // Happened 10 s before it was sent, on a device whose clock runs an hour fast.
      timestamp: new Date(receivedAt + hourFast - 10_000).toISOString(),
      sentAt: new Date(receivedAt + hourFast).toISOString(),
    };
    const [first] = adapt(call);
    expect(first?.occurredAt).toBe(receivedAt - 10_000);
    const [again] = adapt({ ...call, sentAt: new Date(receivedAt + hourFast + 5).toISOString() });
    expect(again?.eventId).toBe(first?.eventId);
    expect(first?.eventId).toMatch(/^segment:test-system:sha256-[0-9a-f]{64}$/);
  });

  it("rejects a call with neither userId nor anonymousId, and a track without event", () => {
    expect(adapter.adapt({ type: "page", messageId: "x" }, testContext)).toEqual({
      ok: false,
      issues: [{ path: "userId", message: "userId or anonymousId is required" }],
    });
    const result = adapter.adapt({ type: "track", userId: "u" }, testContext);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(["event"]);
  });

  it("rejects an invalid email trait and an order product without an article", () => {
    const result = adapter.adapt(
      {
        type: "track",
        event: "Order Completed",
        userId: "u",
        context: { traits: { email: "not-an-address" } },
        properties: { total: 5, products: [{ price: 5 }] },
      },
      testContext,
    );
    expect(result.ok ? [] : result.issues.map((issue) => issue.path).sort()).toEqual([
      "properties.products.0",
      "traits.email",
    ]);
  });

  it("turns a marketing tool's Offer Accepted into an offer_response with the revenue it brought", () => {
    const [answer] = adapt({
      type: "track",
      event: "Offer Accepted",
      messageId: "oa",
      userId: "L1",
      properties: { decision_id: "d-5f0c", offer_id: "cable-care-guide", revenue: 19.99, currency: "EUR" },
    });
    expect(answer).toMatchObject({
      type: "offer_response",
      offerResponse: { decisionId: "d-5f0c", offerId: "cable-care-guide", outcome: "accepted" },
      amount: { minor: 1999, currency: "EUR" },
    });
    const [declined] = adapt({
      type: "track",
      event: "Offer Declined",
      messageId: "od",
      userId: "L1",
      properties: { decision_id: "d-5f0c", offer_id: "cable-care-guide", revenue: 5 },
    });
    expect([declined?.offerResponse?.outcome, declined?.amount]).toEqual(["declined", null]);
    const missing = adapter.adapt(
      { type: "track", event: "Offer Ignored", userId: "L1", properties: {} },
      testContext,
    );
    expect(missing.ok ? [] : missing.issues.map((issue) => issue.path)).toEqual([
      "properties.decision_id",
      "properties.offer_id",
    ]);
  });

  it("refuses money and quantities the canonical touchpoint cannot hold, as the other channels do", () => {
    const issuesOf = (properties: Record<string, unknown>, event = "Order Completed") => {
      const result = adapter.adapt(
        { type: "track", event, messageId: "big", userId: "L1", timestamp: at, properties },
        testContext,
      );
      return result.ok ? [] : result.issues.map((issue) => issue.path);
    };
    expect(issuesOf({ total: 1e7 })).toEqual(["properties.total"]);
    expect(issuesOf({ total: -20 }, "Order Refunded")).toEqual([]);
    expect(issuesOf({ products: [{ sku: "A", price: 1e7 }] })).toEqual(["properties.products.0.price"]);
    expect(issuesOf({ products: [{ sku: "A", price: 1, quantity: 10_001 }] })).toEqual([
      "properties.products.0.quantity",
    ]);
    expect(issuesOf({ decision_id: "d", offer_id: "o", revenue: 1e7 }, "Offer Accepted")).toEqual([
      "properties.revenue",
    ]);
  });
});
