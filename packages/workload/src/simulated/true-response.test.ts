import { describe, expect, it } from "vitest";
import {
  acceptedOfferEffect,
  fitsOrderAnyway,
  isMoneyOff,
  optOutChance,
  trueResponse,
  trueResponseParameters,
} from "./true-response";

const context = {
  kind: "loyal",
  offerKind: "early_access",
  stage: "active",
  channel: "email",
  hour: 12,
  recentContacts: 0,
  hasProblem: false,
} as const;

describe("the simulated customers' true response", () => {
  it("tires with every marketing contact in the window, by the documented factor, while care does not", () => {
    const fresh = trueResponse(context).accept;
    const twice = trueResponse({ ...context, recentContacts: 2 }).accept;
    expect(twice).toBeCloseTo(fresh * trueResponseParameters.fatigueAcceptDecay ** 2, 10);
    expect(twice).toBeLessThan(fresh);
    const survey = { ...context, offerKind: "survey" };
    expect(trueResponse({ ...survey, recentContacts: 5 }).accept).toBe(trueResponse(survey).accept);
  });

  it("makes opting out likelier with every recent contact (kind's rate × scale × (1 + contacts)²)", () => {
    expect(optOutChance(0.002, 0)).toBeCloseTo(0.002 * trueResponseParameters.optOutScale, 10);
    expect(optOutChance(0.002, 3)).toBeCloseTo(0.002 * trueResponseParameters.optOutScale * 16, 10);
    expect(optOutChance(0.5, 10)).toBe(0.9);
  });

  it("depends on stage, channel and, for messages read at once, the hour", () => {
    const winBack = { ...context, offerKind: "win_back" };
    expect(trueResponse({ ...winBack, stage: "at_risk" }).accept).toBeGreaterThan(
      trueResponse(winBack).accept,
    );
    expect(trueResponse({ ...context, channel: "phone" }).accept).toBeGreaterThan(
      trueResponse(context).accept,
    );
    const sms = { ...context, channel: "sms" };
    expect(trueResponse({ ...sms, hour: 19 }).accept).toBeGreaterThan(
      trueResponse({ ...sms, hour: 9 }).accept,
    );
    expect(trueResponse({ ...context, hour: 19 }).accept).toBe(trueResponse({ ...context, hour: 9 }).accept);
  });

  it("accepts a recovery action rarely when there is nothing to put right", () => {
    const recovery = { ...context, offerKind: "service_recovery" };
    const withProblem = trueResponse({ ...recovery, hasProblem: true }).accept;
    expect(trueResponse(recovery).accept).toBeCloseTo(
      withProblem * trueResponseParameters.recoveryWithoutProblem,
      10,
    );
  });

  it("tells an offer's incremental effect from its acceptance: redeemed on a purchase made anyway, it only costs", () => {
    const discount = { kind: "discount", businessValueMinor: 2500, costMinor: 800 };
    const caused = acceptedOfferEffect(discount, 4000, null);
    expect(caused).toEqual({ purchaseMinor: 2500, newPurchase: true, incrementalMinor: 1700 });
    const anyway = acceptedOfferEffect(discount, 4000, 5200);
    expect(anyway).toEqual({ purchaseMinor: 5200, newPurchase: false, incrementalMinor: -800 });
    const care = acceptedOfferEffect(
      { kind: "free_replacement", businessValueMinor: 9000, costMinor: 3000 },
      4000,
      null,
    );
    expect(care).toEqual({ purchaseMinor: 0, newPurchase: false, incrementalMinor: -3000 });
  });

  it("tells actions of one kind apart by their own truth: acceptance per customer kind, money off, fit", () => {
    const asKind = { ...context, offerKind: "discount" };
    const nudge = { ...asKind, offerId: "cart-nudge" };
    const multiplier = (kind: "loyal" | "bargain_hunter") =>
      trueResponseParameters.actions["cart-nudge"]?.byKind[kind] ?? 1;
    expect(multiplier("loyal")).toBeGreaterThan(1);
    expect(multiplier("bargain_hunter")).toBeLessThan(1);
    expect(trueResponse(nudge).accept).toBeCloseTo(trueResponse(asKind).accept * multiplier("loyal"), 10);
    const bargain = { kind: "bargain_hunter" } as const;
    expect(trueResponse({ ...nudge, ...bargain }).accept).toBeCloseTo(
      trueResponse({ ...asKind, ...bargain }).accept * multiplier("bargain_hunter"),
      10,
    );
    // An action the world has no entry for is answered as its kind.
    expect(trueResponse({ ...asKind, offerId: "no-such-action" }).accept).toBe(trueResponse(asKind).accept);

    expect(isMoneyOff({ id: "cart-nudge", kind: "discount" })).toBe(false);
    expect(isMoneyOff({ id: "cart-reminder-10", kind: "discount" })).toBe(true);
    expect(isMoneyOff({ id: "lead-user-panel", kind: "co_creation" })).toBe(false);

    const share = (id: string) =>
      Array.from({ length: 4000 }, (_, decision) => fitsOrderAnyway(3, 7, decision, { id })).filter(Boolean)
        .length / 4000;
    expect(share("cart-reminder-10")).toBe(1);
    const fits = trueResponseParameters.actions["accessory-bundle"]?.fitsAnyway ?? 1;
    expect(fits).toBeLessThan(1);
    expect(share("accessory-bundle")).toBeCloseTo(fits, 1);
  });
});
