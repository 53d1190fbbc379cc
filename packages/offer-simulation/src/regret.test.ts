import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type CustomerView,
  decide,
  decisionContext,
  defaultEngineSettings,
  emptyOfferState,
  type OfferDefinition,
  PropensityLearner,
  parseCatalog,
} from "@cx/offers";
import { describe, expect, it } from "vitest";
import { cumulativeByWeek, decisionRegret } from "./regret";

const catalogFile = fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url));
const catalog = parseCatalog(readFileSync(catalogFile, "utf8"));
const view: CustomerView = {
  tier: "top",
  lifecycle: { stage: "loyal" },
  value: { negative: false },
  traits: {
    recencyDays: 3,
    purchaseDays: 6,
    meanDaysBetweenPurchases: 20,
    netRevenueMinor: 90000,
    averageOrderMinor: 6000,
    returnRate: 0,
    discountShare: 0,
    averageSentiment: 0.6,
    sentimentTrend: 0,
    complaints: 0,
    paymentFailures: 0,
    referralsConverted: 0,
    socialReach: 0,
  },
};
const state = { ...emptyOfferState("cus_1"), consent: { email: true, push: true, phone: true } };
/** Tuesday noon in Berlin: no quiet hours. */
const request = {
  customerId: "cus_1",
  trigger: "purchase" as const,
  at: Date.UTC(2026, 2, 10, 11),
  eventId: "e1",
  customer: view,
  serviceFirst: false,
};
/** The learner's cell for an email to this customer at this moment. */
const emailContext = decisionContext(request, state, "email", defaultEngineSettings.policy.defaultTimeZone);
// On a loyal top customer's purchase both early access and the care-plan upgrade are eligible.
const truth: Record<string, number> = { "early-access": 0.5, "care-plan-upgrade": 0.1 };
const worth = (offer: OfferDefinition) =>
  (truth[offer.id] ?? 0) * (offer.businessValueMinor - offer.costMinor);

describe("the learner's regret", () => {
  it("is the true worth of the best action it could have sent minus that of what it sent", () => {
    // A learner that believes the care plan is far likelier picks it: regret = the difference.
    const misled = new PropensityLearner({ priorAccepted: 1, priorRefused: 1, decay: 1 });
    for (let index = 0; index < 50; index++) {
      misled.update("care-plan-upgrade", emailContext, true);
      misled.update("early-access", emailContext, false);
    }
    const settings = { ...defaultEngineSettings.arbitration, explore: false };
    const wrong = decide(catalog, state, request, misled, defaultEngineSettings.policy, settings);
    expect(wrong.offer?.id).toBe("care-plan-upgrade");
    const best = (catalog.offers.find((offer) => offer.id === "early-access") as OfferDefinition) ?? null;
    const chosen = wrong.offer as OfferDefinition;
    expect(decisionRegret(wrong, catalog, state, defaultEngineSettings, worth)).toBeCloseTo(
      worth(best) - worth(chosen),
      10,
    );

    const taught = new PropensityLearner({ priorAccepted: 1, priorRefused: 1, decay: 1 });
    for (let index = 0; index < 50; index++) taught.update("early-access", emailContext, true);
    const right = decide(catalog, state, request, taught, defaultEngineSettings.policy, settings);
    expect(right.offer?.id).toBe("early-access");
    expect(decisionRegret(right, catalog, state, defaultEngineSettings, worth)).toBe(0);
  });

  it("leaves out actions the contact policy would have refused", () => {
    const misled = new PropensityLearner();
    const settings = { ...defaultEngineSettings.arbitration, explore: false };
    const decision = decide(catalog, state, request, misled, defaultEngineSettings.policy, settings);
    // Early access already sent yesterday: its own cap refuses it, so nothing better was possible.
    const capped = {
      ...state,
      sent: [
        {
          decisionId: "dec_x",
          offerId: "early-access",
          kind: "early_access" as const,
          channel: "email" as const,
          at: request.at - 86_400_000,
          expiresAt: request.at,
          context: "loyal|top|email",
          outcome: null,
        },
      ],
    };
    const carePlan = {
      ...decision,
      offer: catalog.offers.find((offer) => offer.id === "care-plan-upgrade") ?? null,
    };
    expect(decisionRegret(carePlan, catalog, capped, defaultEngineSettings, worth)).toBe(0);
    expect(decisionRegret(carePlan, catalog, state, defaultEngineSettings, worth)).toBeGreaterThan(0);
  });

  it("adds up week by week", () => {
    const regrets = [
      { week: 0, regret: 2 },
      { week: 2, regret: 1 },
      { week: 0, regret: 1 },
    ];
    expect(cumulativeByWeek(regrets, 4)).toEqual([3, 3, 4, 4]);
  });
});
