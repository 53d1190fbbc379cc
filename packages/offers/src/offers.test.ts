import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { noExperience, type Touchpoint } from "@cx/contracts";
import { seededRandom } from "@cx/random";
import { touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import {
  CatalogError,
  type ContactPolicy,
  type CustomerOfferState,
  type CustomerView,
  contactRefusal,
  customerOfDecision,
  decide,
  decisionContext,
  defaultArbitration,
  defaultContactPolicy,
  emptyOfferState,
  localTime,
  type OfferCustomer,
  type OfferDefinition,
  OfferEngine,
  PropensityLearner,
  parseCatalog,
} from "./index";

const catalogFile = fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url));
const catalog = parseCatalog(readFileSync(catalogFile, "utf8"));
const offer = (id: string) => catalog.offers.find((entry) => entry.id === id) as OfferDefinition;
const hour = 3_600_000;
const day = 24 * hour;
/** Tuesday 2026-03-10, 12:00 in Berlin (11:00 UTC). */
const noon = Date.UTC(2026, 2, 10, 11);

const view = (
  overrides: Partial<{
    tier: CustomerView["tier"];
    stage: CustomerView["lifecycle"]["stage"];
    negative: boolean;
  }> & {
    traits?: Partial<CustomerView["traits"]>;
  } = {},
): CustomerView => ({
  tier: overrides.tier ?? "middle",
  lifecycle: { stage: overrides.stage ?? "active" },
  value: { negative: overrides.negative ?? false },
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
    ...overrides.traits,
  },
});
const consenting: CustomerOfferState = {
  ...emptyOfferState("cus_1"),
  consent: { email: true, sms: true, push: true, phone: true, post: true },
};
const sentAt = (at: number, channel: "email" | "sms" | "push" | "phone" | "post", offerId = "other") => ({
  decisionId: `dec_${at}_${channel}`,
  offerId,
  kind: "discount" as const,
  channel,
  at,
  expiresAt: at + day,
  context: "active|middle|email",
  outcome: null,
});
const refusal = (
  state: CustomerOfferState,
  id: string,
  channel: "email" | "sms" | "push" | "phone" | "post",
  at: number,
  policy: ContactPolicy = defaultContactPolicy,
) => contactRefusal(state, offer(id), channel, at, policy);

describe("the offer catalog", () => {
  it("loads the shipped catalog and names the entry and field of a bad one", () => {
    expect(catalog.offers.length).toBeGreaterThan(5);
    const bad = {
      version: "1",
      offers: [{ ...offer("winback-15") }, { ...offer("cart-reminder-10"), validForHours: -1 }],
    };
    expect(() => parseCatalog(JSON.stringify(bad))).toThrow(CatalogError);
    expect(() => parseCatalog(JSON.stringify(bad))).toThrow(/offers\[1\] cart-reminder-10: validForHours/);
    const duplicate = { version: "1", offers: [offer("winback-15"), offer("winback-15")] };
    expect(() => parseCatalog(JSON.stringify(duplicate))).toThrow(/duplicate id winback-15/);
    expect(() => parseCatalog("{")).toThrow(/not JSON/);
  });
});

describe("eligibility and arbitration", () => {
  const learner = new PropensityLearner();
  const request = (
    trigger: Parameters<typeof decide>[2]["trigger"],
    customer = view(),
    serviceFirst = false,
  ) => ({
    customerId: "cus_1",
    trigger,
    at: noon,
    eventId: "e1",
    customer,
    serviceFirst,
  });

  it("after a complaint offers recovery, never a sale", () => {
    const decision = decide(
      catalog,
      consenting,
      request("complaint", view(), true),
      learner,
      defaultContactPolicy,
    );
    expect(decision.offer?.kind).toMatch(/service_recovery|free_replacement/);
    for (const alternative of decision.explanation?.alternatives ?? [])
      expect(["discount", "win_back", "early_access"]).not.toContain(offer(alternative.offerId).kind);
  });

  it("does not reward a negative-value customer, but still cares for them", () => {
    const bargainHunter = view({ negative: true, tier: "negative", traits: { discountShare: 0.9 } });
    expect(
      decide(catalog, consenting, request("cart", bargainHunter), learner, defaultContactPolicy).offer,
    ).toBeNull();
    const complaint = decide(
      catalog,
      consenting,
      request("complaint", bargainHunter, true),
      learner,
      defaultContactPolicy,
    );
    expect(complaint.offer?.id).toBe("recovery-callback");
  });

  it("ranks by propensity × context × value × lever and explains it; each factor can be switched off", () => {
    const loyal = view({ stage: "loyal", tier: "top" });
    const decision = decide(catalog, consenting, request("purchase", loyal), learner, defaultContactPolicy, {
      ...defaultArbitration,
      explore: false,
    });
    const explanation = decision.explanation;
    expect(explanation).not.toBeNull();
    expect(explanation?.priority).toBeCloseTo(
      (explanation?.propensity ?? 0) *
        (explanation?.contextWeight ?? 0) *
        (explanation?.value ?? 0) *
        (explanation?.lever ?? 0),
      9,
    );
    for (const alternative of explanation?.alternatives ?? [])
      expect(alternative.priority).toBeLessThanOrEqual(explanation?.priority ?? 0);
    const leverOnly = decide(catalog, consenting, request("purchase", loyal), learner, defaultContactPolicy, {
      ...defaultArbitration,
      factors: { propensity: false, context: false, value: false, lever: true },
    });
    expect(leverOnly.offer?.id).toBe("care-plan-upgrade"); // the only lever above 1 among the eligible
  });

  it("decides the same again for the same event (the decision id seeds the sampling)", () => {
    const first = decide(
      catalog,
      consenting,
      request("purchase", view({ stage: "loyal", tier: "top" })),
      learner,
      defaultContactPolicy,
    );
    const again = decide(
      catalog,
      consenting,
      request("purchase", view({ stage: "loyal", tier: "top" })),
      learner,
      defaultContactPolicy,
    );
    expect(again).toEqual(first);
    expect(first.decisionId).toMatch(/^dec_[0-9a-f]{24}_cus_1$/);
    expect(customerOfDecision(first.decisionId)).toBe("cus_1");
  });

  it("records each refused higher-ranked action with its reason and takes the next channel or action", () => {
    const noEmail = { ...consenting, consent: { ...consenting.consent, email: false } };
    const decision = decide(
      catalog,
      noEmail,
      request("purchase", view({ stage: "loyal", tier: "top" })),
      learner,
      defaultContactPolicy,
    );
    expect(
      decision.suppressed.every((entry) => entry.channel === "email" && entry.reason === "no_consent"),
    ).toBe(true);
    expect(decision.channel).not.toBe("email");
  });

  it("learns in a context the engine can see: stage, tier, channel, moment of day, past answers, rhythm, fatigue", () => {
    const loyal = view({ stage: "loyal", tier: "top", traits: { meanDaysBetweenPurchases: 8 } });
    const fresh = decisionContext(request("purchase", loyal), consenting, "email", "Europe/Berlin");
    // Noon in Berlin, nothing sold to them yet, a purchase every 8 days, no marketing in a fortnight.
    expect(fresh).toBe("loyal|top|email|day|none|frequent|0");
    const answered = {
      ...consenting,
      sent: [
        {
          ...sentAt(noon - 3 * day, "email", "early-access"),
          kind: "early_access" as const,
          outcome: "accepted" as const,
        },
        { ...sentAt(noon - 20 * day, "email", "cart-reminder-10"), outcome: "ignored" as const },
      ],
    };
    const evening = {
      ...request("purchase", view({ traits: { meanDaysBetweenPurchases: null } })),
      at: noon + 7 * hour,
    };
    expect(decisionContext(evening, answered, "push", "Europe/Berlin")).toBe(
      "active|middle|push|evening|took|once|1",
    );
  });

  it("puts an action on the channel the learner found to work, and tells which channels were refused", () => {
    const learner = new PropensityLearner();
    const loyal = view({ stage: "loyal", tier: "top" });
    const onPhone = decisionContext(request("purchase", loyal), consenting, "phone", "Europe/Berlin");
    const byEmail = decisionContext(request("purchase", loyal), consenting, "email", "Europe/Berlin");
    for (let i = 0; i < 100; i++) {
      learner.update("care-plan-upgrade", onPhone, i % 10 < 9, "selling");
      learner.update("care-plan-upgrade", byEmail, i % 10 < 3, "selling");
      learner.update("early-access", byEmail, false, "selling");
    }
    const settings = { ...defaultArbitration, explore: false };
    const decision = decide(
      catalog,
      consenting,
      request("purchase", loyal),
      learner,
      defaultContactPolicy,
      settings,
    );
    expect([decision.offer?.id, decision.channel]).toEqual(["care-plan-upgrade", "phone"]);
    // Without phone consent the refusal is recorded and e-mail, the next best, goes.
    const noPhone = { ...consenting, consent: { ...consenting.consent, phone: false, push: false } };
    const refused = decide(
      catalog,
      noPhone,
      request("purchase", loyal),
      learner,
      defaultContactPolicy,
      settings,
    );
    expect([refused.offer?.id, refused.channel]).toEqual(["care-plan-upgrade", "email"]);
    expect(refused.suppressed).toContainEqual({
      offerId: "care-plan-upgrade",
      channel: "phone",
      reason: "no_consent",
    });
  });

  it("holds back marketing not worth a contact, twice as strictly per message in the last fortnight, never care", () => {
    const learner = new PropensityLearner();
    const settings = { ...defaultArbitration, explore: false, minExpectedValueMinor: 150 };
    // A cart reminder is worth 10 % (the prior) × 17 EUR net = 170 minor units: above 150, not above 300.
    const cart = decide(catalog, consenting, request("cart"), learner, defaultContactPolicy, settings);
    expect(cart.offer?.id).toBe("cart-reminder-10");
    const tired = {
      ...consenting,
      sent: [{ ...sentAt(noon - 5 * day, "sms"), outcome: "ignored" as const }],
    };
    const held = decide(catalog, tired, request("cart"), learner, defaultContactPolicy, settings);
    expect(held.offer).toBeNull();
    expect(held.suppressed).toContainEqual(expect.objectContaining({ reason: "not_worth_contact" }));
    const strict = { ...settings, minExpectedValueMinor: 100_000 };
    const complaint = decide(
      catalog,
      tired,
      request("complaint", view(), true),
      learner,
      defaultContactPolicy,
      strict,
    );
    expect(complaint.offer?.kind).toMatch(/service_recovery|free_replacement/);
  });
});

describe("contact policy", () => {
  it("needs an explicit opt-in to sell, and honours a withdrawal for everything", () => {
    const nobody = emptyOfferState("cus_1");
    expect(refusal(nobody, "cart-reminder-10", "email", noon)).toBe("no_consent");
    expect(refusal(nobody, "recovery-callback", "phone", noon)).toBeUndefined();
    const withdrawn = { ...consenting, consent: { ...consenting.consent, phone: false } };
    expect(refusal(withdrawn, "recovery-callback", "phone", noon)).toBe("no_consent");
  });

  it("caps per channel and overall per day and week, counted in the customer's time zone", () => {
    // 23:30 in Berlin on Monday is 22:30 UTC: the same UTC day as Tuesday 00:30 UTC is not the same Berlin day.
    const lateMonday = Date.UTC(2026, 2, 9, 22, 30);
    const policy = { ...defaultContactPolicy, quietHours: { from: 0, to: 0 } };
    const berlin = { ...consenting, sent: [sentAt(lateMonday, "email")] };
    expect(localTime(lateMonday, "Europe/Berlin").day).toBe("2026-03-09");
    const tuesdayEarlyUtc = Date.UTC(2026, 2, 9, 23, 30); // Tuesday 00:30 Berlin, Monday in UTC
    expect(refusal(berlin, "cart-reminder-10", "email", tuesdayEarlyUtc, policy)).toBeUndefined();
    const utcCustomer = { ...berlin, timeZone: "UTC" };
    expect(refusal(utcCustomer, "cart-reminder-10", "email", tuesdayEarlyUtc, policy)).toBe(
      "channel_day_cap",
    );
    const twoToday = {
      ...consenting,
      sent: [sentAt(noon - 3 * hour, "email"), sentAt(noon - 2 * hour, "sms")],
    };
    expect(refusal(twoToday, "cart-reminder-10", "push", noon, policy)).toBe("day_cap");
    const weekFull = {
      ...consenting,
      sent: [
        sentAt(noon - 1 * day, "email"),
        sentAt(noon - 1 * day, "sms"),
        sentAt(noon - 1 * day + hour, "post"),
        sentAt(noon - 1 * day + 2 * hour, "phone"),
      ],
    };
    expect(refusal(weekFull, "cart-reminder-10", "push", noon, policy)).toBe("week_cap");
    const emailTwice = {
      ...consenting,
      sent: [sentAt(noon - 1 * day, "email"), sentAt(noon - 1 * day - hour, "email")],
    };
    expect(refusal(emailTwice, "cart-reminder-10", "email", noon, policy)).toBe("channel_week_cap");
  });

  it("keeps quiet hours in the customer's time zone", () => {
    const tenPmBerlin = Date.UTC(2026, 2, 10, 21);
    expect(refusal(consenting, "cart-reminder-10", "email", tenPmBerlin)).toBe("quiet_hours");
    expect(
      refusal({ ...consenting, timeZone: "America/New_York" }, "cart-reminder-10", "email", tenPmBerlin),
    ).toBeUndefined();
  });

  it("lets only recovery out during the cooling-off after a complaint", () => {
    const complained = { ...consenting, lastComplaintAt: noon - 3 * day };
    expect(refusal(complained, "cart-reminder-10", "email", noon)).toBe("cooling_off");
    expect(refusal(complained, "satisfaction-survey", "email", noon)).toBe("cooling_off");
    expect(refusal(complained, "recovery-callback", "phone", noon)).toBeUndefined();
    expect(refusal(complained, "cart-reminder-10", "email", noon + 12 * day)).toBeUndefined();
  });

  it("stops offering what a customer declined repeatedly, and caps each offer", () => {
    const declined = { ...consenting, declines: { "cart-reminder-10": [noon - 10 * day, noon - 5 * day] } };
    expect(refusal(declined, "cart-reminder-10", "email", noon)).toBe("declined_before");
    expect(refusal(declined, "cart-reminder-10", "email", noon + 60 * day)).toBeUndefined();
    const twice = {
      ...consenting,
      sent: [
        sentAt(noon - 20 * day, "email", "cart-reminder-10"),
        sentAt(noon - 10 * day, "push", "cart-reminder-10"),
      ],
    };
    expect(refusal(twice, "cart-reminder-10", "email", noon)).toBe("offer_cap");
  });

  it("stops everything after an erasure request", () => {
    expect(refusal({ ...consenting, erased: true }, "recovery-callback", "phone", noon)).toBe("erased");
  });
});

describe("the propensity learner", () => {
  it("moves towards what customers do, forgets slowly, and survives a round trip through its state", () => {
    const learner = new PropensityLearner({ priorAccepted: 1, priorRefused: 1, decay: 0.99 });
    expect(learner.mean("a", "ctx")).toBeCloseTo(0.5, 9);
    for (let i = 0; i < 200; i++) learner.update("a", "ctx", i % 4 === 0);
    expect(learner.mean("a", "ctx")).toBeGreaterThan(0.2);
    expect(learner.mean("a", "ctx")).toBeLessThan(0.3);
    expect(learner.mean("a", "other")).toBeCloseTo(0.5, 9);
    const restored = new PropensityLearner(
      { priorAccepted: 1, priorRefused: 1, decay: 0.99 },
      JSON.parse(JSON.stringify(learner.state())),
    );
    expect(restored.mean("a", "ctx")).toBe(learner.mean("a", "ctx"));
    const random = seededRandom(1);
    const draws = Array.from({ length: 2000 }, () => restored.sample("a", "ctx", random));
    expect(draws.reduce((sum, draw) => sum + draw, 0) / draws.length).toBeCloseTo(
      learner.mean("a", "ctx"),
      1,
    );
  });
});

describe("the pooling learner", () => {
  const settings = { priorAccepted: 1, priorRefused: 9, decay: 1, pooling: 300 };
  const context = "loyal|top|email|day|took|frequent|0";

  it("starts a context never seen from the wider ones it belongs to, and lets its own outcomes take over", () => {
    const learner = new PropensityLearner(settings);
    for (let i = 0; i < 200; i++) learner.update("early-access", context, i % 2 === 0, "selling");
    expect(learner.mean("early-access", context, "selling")).toBeCloseTo(0.5, 1);
    // Same customers in the evening, or rarer buyers: what was learned carries over, not the flat 10 %.
    expect(learner.mean("early-access", "loyal|top|email|evening|took|rare|0", "selling")).toBeCloseTo(
      0.5,
      1,
    );
    // Its own outcomes move it away from its parents.
    const rare = "loyal|top|email|day|took|rare|0";
    for (let i = 0; i < 400; i++) learner.update("early-access", rare, i % 10 === 0, "selling");
    expect(learner.mean("early-access", rare, "selling")).toBeLessThan(0.25);
    expect(learner.mean("early-access", context, "selling")).toBeGreaterThan(0.3);
  });

  it("starts a new action from its family on the channel, with no more weight than the flat prior", () => {
    const learner = new PropensityLearner(settings);
    for (let i = 0; i < 200; i++)
      learner.update("recovery-callback", "active|middle|phone|day|none|regular|0", i % 5 !== 0, "recovery");
    const replacement = learner.mean("free-replacement", "active|top|phone|day|none|regular|0", "recovery");
    expect(replacement).toBeCloseTo(0.8, 1);
    // Ten outcomes of its own count as much as the family's view of it.
    for (let i = 0; i < 10; i++)
      learner.update("free-replacement", "active|top|phone|day|none|regular|0", false, "recovery");
    expect(learner.mean("free-replacement", "active|top|phone|day|none|regular|0", "recovery")).toBeLessThan(
      0.45,
    );
  });

  it("survives a round trip through its state and samples around its mean", () => {
    const learner = new PropensityLearner({ ...settings, decay: 0.99 });
    for (let i = 0; i < 100; i++) learner.update("early-access", context, i % 3 === 0, "selling");
    const restored = new PropensityLearner(
      { ...settings, decay: 0.99 },
      JSON.parse(JSON.stringify(learner.state())),
    );
    expect(restored.mean("early-access", context, "selling")).toBe(
      learner.mean("early-access", context, "selling"),
    );
    const random = seededRandom(2);
    const draws = Array.from({ length: 2000 }, () =>
      restored.sample("early-access", context, random, "selling"),
    );
    expect(draws.reduce((sum, draw) => sum + draw, 0) / draws.length).toBeCloseTo(
      learner.mean("early-access", context, "selling"),
      1,
    );
  });
});

describe("the offer engine", () => {
  const engine = new OfferEngine(catalog);
  const touch = (days: number, fields: Parameters<typeof touchpointOnDay>[1]) =>
    touchpointOnDay(days, fields);
  const consentAll = touch(0, {
    type: "consent_change",
    channel: "web",
    consent: { scope: "all", granted: true },
  });
  const run = (touchpoints: Touchpoint[], learner = new PropensityLearner()) => {
    let customer: OfferCustomer | undefined;
    const decisions = [];
    const outcomes = [];
    for (const touchpoint of touchpoints) {
      const result = engine.handleTouchpoint(customer, "cus_1", touchpoint, view(), learner);
      customer = { state: result.state, view: result.view };
      decisions.push(...result.decisions);
      outcomes.push(...result.outcomes);
    }
    return { customer: customer as OfferCustomer, decisions, outcomes, learner };
  };

  it("schedules a survey after a resolved service, fires it once, and learns from the answer", () => {
    const { customer, learner } = run([
      consentAll,
      touch(1, {
        type: "service_resolved",
        channel: "phone",
        experience: { ...noExperience, resolved: true },
      }),
    ]);
    expect(customer.state.followUps).toHaveLength(1);
    const dueAt = customer.state.followUps[0]?.dueAt as number;
    expect(engine.handleTime(customer, dueAt - hour, learner).decisions).toEqual([]);
    const fired = engine.handleTime(customer, dueAt + hour, learner);
    expect(fired.decisions.map((decision) => decision.offer?.id)).toEqual(["satisfaction-survey"]);
    expect(fired.state.followUps).toEqual([]);
    expect(
      engine.handleTime({ ...customer, state: fired.state }, dueAt + 2 * hour, learner).decisions,
    ).toEqual([]);
    const expired = engine.handleTime({ ...customer, state: fired.state }, dueAt + 30 * day, learner);
    expect(expired.outcomes.map((outcome) => outcome.outcome)).toEqual(["expired"]);
  });

  it("joins an offer response to its decision, once, and a redelivered touchpoint does nothing", () => {
    const cart = touch(1, { type: "cart", channel: "web" });
    const first = run([consentAll, cart]);
    const [decision] = first.decisions;
    expect(decision?.offer?.id).toBe("cart-reminder-10");
    const response = touch(1.2, {
      type: "offer_response",
      channel: "web",
      offerResponse: {
        decisionId: decision?.decisionId as string,
        offerId: "cart-reminder-10",
        outcome: "accepted",
      },
      amount: { minor: 4500, currency: "EUR", discountMinor: 450, marginMinor: null },
    });
    const before = first.learner.mean("cart-reminder-10", decision?.explanation?.context as string);
    const answered = engine.handleTouchpoint(first.customer, "cus_1", response, view(), first.learner);
    expect(answered.outcomes).toEqual([expect.objectContaining({ outcome: "accepted", valueMinor: 4500 })]);
    expect(first.learner.mean("cart-reminder-10", decision?.explanation?.context as string)).toBeGreaterThan(
      before,
    );
    const again = engine.handleTouchpoint(
      { state: answered.state, view: answered.view },
      "cus_1",
      response,
      view(),
      first.learner,
    );
    expect(again.outcomes).toEqual([]);
    expect(again.state).toBe(answered.state);
  });

  it("takes an outcome reported by decision id alone, once, and refuses unknown or conflicting ones", () => {
    const first = run([consentAll, touch(1, { type: "cart", channel: "web" })]);
    const [decision] = first.decisions;
    const decisionId = decision?.decisionId as string;
    expect(customerOfDecision(decisionId)).toBe("cus_1");
    const reported = {
      decisionId,
      outcome: "declined" as const,
      at: touch(1.1, {}).occurredAt,
      valueMinor: 0,
    };
    const answered = engine.handleResponse(first.customer, reported, first.learner);
    if ("refused" in answered) throw new Error(answered.refused);
    expect(answered.outcomes).toEqual([
      expect.objectContaining({ decisionId, outcome: "declined", offerId: "cart-reminder-10" }),
    ]);
    const customer = { ...first.customer, state: answered.state };
    expect(answered.state.declines["cart-reminder-10"]).toHaveLength(1);
    const again = engine.handleResponse(customer, reported, first.learner);
    expect(again).toEqual({ state: answered.state, decisions: [], outcomes: [] });
    expect(engine.handleResponse(customer, { ...reported, outcome: "accepted" }, first.learner)).toEqual({
      refused: expect.stringMatching(/already answered: declined/),
    });
    expect(
      engine.handleResponse(customer, { ...reported, decisionId: `${decisionId}x` }, first.learner),
    ).toEqual({ refused: expect.stringMatching(/not among the offers sent/) });
    expect(engine.handleResponse(undefined, reported, first.learner)).toEqual({
      refused: expect.stringMatching(/not among the offers sent/),
    });
  });

  it("decides on a stage change to at-risk, and stops deciding after an erasure request", () => {
    const learner = new PropensityLearner();
    const { customer } = run([consentAll, touch(1, { type: "visit" })], learner);
    const atRisk = engine.handleTouchpoint(
      customer,
      "cus_1",
      touch(2, { type: "visit" }),
      view({ stage: "at_risk" }),
      learner,
    );
    expect(atRisk.decisions[0]?.request.trigger).toBe("stage_at_risk");
    const erased = engine.handleTouchpoint(
      { state: atRisk.state, view: atRisk.view },
      "cus_1",
      touch(3, { type: "erasure_request" }),
      view(),
      learner,
    );
    const afterwards = engine.handleTouchpoint(
      { state: erased.state, view: erased.view },
      "cus_1",
      touch(4, { type: "complaint" }),
      view(),
      learner,
    );
    expect(afterwards.decisions).toEqual([]);
    expect(afterwards.state.followUps).toEqual([]);
  });
});
