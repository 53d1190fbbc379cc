import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Touchpoint } from "@cx/contracts";
import { touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import {
  type CustomerView,
  defaultEngineSettings,
  isHeldOut,
  type OfferCustomer,
  OfferEngine,
  PropensityLearner,
  parseCatalog,
} from "./index";

const catalogFile = fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url));
const catalog = parseCatalog(readFileSync(catalogFile, "utf8"));
const holdout = { percent: 50, salt: "engine-test-salt" };
const engine = new OfferEngine(catalog, { ...defaultEngineSettings, holdout });
const ids = Array.from({ length: 100 }, (_, index) => `cus_${index}`);
const heldOutId = ids.find((id) => isHeldOut(id, holdout)) as string;
const treatedId = ids.find((id) => !isHeldOut(id, holdout)) as string;

const view: CustomerView = {
  tier: "middle",
  lifecycle: { stage: "active" },
  value: { negative: false },
  traits: {
    recencyDays: 3,
    purchaseDays: 3,
    meanDaysBetweenPurchases: 20,
    netRevenueMinor: 20000,
    averageOrderMinor: 6000,
    returnRate: 0,
    discountShare: 0,
    averageSentiment: 0.5,
    sentimentTrend: 0,
    complaints: 0,
    paymentFailures: 0,
    referralsConverted: 0,
    socialReach: 0,
  },
};
// Midday in Berlin, so quiet hours refuse nothing.
const at = (days: number, fields: Parameters<typeof touchpointOnDay>[1]) => touchpointOnDay(days, fields);
const journey: Touchpoint[] = [
  at(0, { type: "consent_change", channel: "web", consent: { scope: "all", granted: true } }),
  at(1, { type: "purchase", amount: { minor: 5000, currency: "EUR", discountMinor: 0, marginMinor: null } }),
  at(20, { type: "complaint", channel: "phone", sentiment: -0.8 }),
];

/** The journey's decisions for a customer id (after a merge, the survivor's id is the one decided for). */
function decisionsFor(customerId: string) {
  let customer: OfferCustomer | undefined;
  const learner = new PropensityLearner();
  return journey.flatMap((touchpoint) => {
    const result = engine.handleTouchpoint(customer, customerId, touchpoint, view, learner);
    customer = { state: result.state, view: result.view };
    return result.decisions;
  });
}

describe("the offer engine with a universal holdout", () => {
  it("sends a held-out customer care but no marketing, and records what marketing would have sent", () => {
    const [afterPurchase, afterComplaint] = decisionsFor(heldOutId);
    expect(afterPurchase?.offer).toBeNull();
    // On the channel the learner tries first: it has learned nothing yet, so e-mail or phone.
    expect(afterPurchase?.suppressed).toContainEqual({
      offerId: "care-plan-upgrade",
      channel: expect.stringMatching(/^(email|phone)$/),
      reason: "holdout",
    });
    expect(afterComplaint?.offer?.kind).toBe("service_recovery");
    expect(afterComplaint?.suppressed.some((entry) => entry.reason === "holdout")).toBe(false);
  });

  it("sends the same journey's marketing to a treated customer, with no holdout record", () => {
    const [afterPurchase, afterComplaint] = decisionsFor(treatedId);
    expect(afterPurchase?.offer?.id).toBe("care-plan-upgrade");
    expect(afterPurchase?.suppressed.some((entry) => entry.reason === "holdout")).toBe(false);
    expect(afterComplaint?.offer?.kind).toBe("service_recovery");
  });

  it("decides a merged customer's touchpoints in the survivor's group", () => {
    // The held-out customer merged into the treated one: their touchpoints now carry the survivor's id.
    const merged = decisionsFor(treatedId).map((decision) => decision.offer?.id ?? null);
    expect(merged[0]).toBe("care-plan-upgrade");
    // And the other way round: a treated customer merged into a held-out survivor gets no marketing.
    expect(decisionsFor(heldOutId)[0]?.offer).toBeNull();
  });
});
