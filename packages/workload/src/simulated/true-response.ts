import { seededRandom } from "@cx/random";
import type { CustomerKind } from "../kinds";
import { responseOdds } from "../offer-response";
import { mix32 } from "../person";

/**
 * The simulated world's hidden truth about offers: how likely a customer is to accept or decline,
 * by customer kind × offer kind (the workload's table), lifecycle stage, channel and hour of day,
 * damped by contact fatigue. The engine never sees these numbers; it only sees outcomes.
 */
export interface TrueResponseParameters {
  /** Acceptance multiplier per offer kind in a lifecycle stage (missing = 1). */
  readonly stageLift: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Acceptance multiplier per delivery channel (missing = 1). */
  readonly channelLift: Readonly<Record<string, number>>;
  /** Channels whose messages are read at once, so the local hour matters: evening lift, morning dip. */
  readonly hourSensitiveChannels: readonly string[];
  readonly eveningLift: number;
  readonly morningDip: number;
  /** Marketing contacts within this many days make a customer tired. */
  readonly fatigueWindowDays: number;
  /** Acceptance is multiplied by this for every marketing contact in the window. */
  readonly fatigueAcceptDecay: number;
  /** Chance per marketing contact of opting out of its channel: the kind's rate × this × (1 + contacts in window)². */
  readonly optOutScale: number;
  /**
   * Money-off kinds (discount, win_back): a customer who would buy anyway within the offer's
   * validity, on an order it fits, takes it at least this often (free money), on the purchase they
   * were making anyway.
   */
  readonly redeemAnywayAtLeast: number;
  /** Recovery kinds (service_recovery, free_replacement) with no problem to put right: acceptance × this. */
  readonly recoveryWithoutProblem: number;
  /** An accepted selling offer's purchase is the customer's usual basket × the offer's business value / this. */
  readonly referenceBasketMinor: number;
  /**
   * How a catalog action differs from others of its kind, by action id (an action not listed is
   * answered as its kind): two discounts of a catalog are not taken alike by the same customers.
   */
  readonly actions: Readonly<Record<string, ActionTruth>>;
}

/** What sets one action apart from others of its kind in the world's truth. */
export interface ActionTruth {
  /** Acceptance multiplier by customer kind (missing = 1). */
  readonly byKind: Readonly<Partial<Record<CustomerKind, number>>>;
  /** Whether its acceptance redeems money off a purchase (missing = as its kind: discount, win_back). */
  readonly moneyOff?: boolean;
  /**
   * Money off: the share of the purchases a customer makes anyway that it can be redeemed on
   * (missing = 1: any order). 15 % off accessories fits only orders with accessories in them.
   */
  readonly fitsAnyway?: number;
}

export const trueResponseParameters: TrueResponseParameters = {
  stageLift: {
    new: { education: 1.6, early_access: 0.6, win_back: 0.3 },
    active: { service_upgrade: 1.2, win_back: 0.4 },
    loyal: { early_access: 1.4, service_upgrade: 1.3, co_creation: 1.3, win_back: 0.3 },
    at_risk: { win_back: 1.6, discount: 1.2, education: 0.7, service_upgrade: 0.6 },
    lapsed: { win_back: 1.3, service_upgrade: 0.4, early_access: 0.4 },
    won_back: { education: 1.2, win_back: 0.5 },
  },
  channelLift: { phone: 1.5, sms: 1.1, email: 1, push: 0.8, post: 0.7 },
  hourSensitiveChannels: ["sms", "push", "phone"],
  eveningLift: 1.2,
  morningDip: 0.8,
  fatigueWindowDays: 14,
  fatigueAcceptDecay: 0.7,
  optOutScale: 3,
  redeemAnywayAtLeast: 0.6,
  recoveryWithoutProblem: 0.1,
  referenceBasketMinor: 4000,
  actions: {
    // A reminder without money off: those who meant to buy come back for it; bargain hunters wait for a discount.
    "cart-nudge": {
      byKind: {
        loyal: 1.5,
        promoter: 1.5,
        new: 1.3,
        heavy_returner: 0.8,
        drifting: 0.6,
        unhappy: 0.6,
        bargain_hunter: 0.15,
      },
      moneyOff: false,
    },
    // Free delivery above a threshold: what stops occasional and new customers at the checkout; loyal ones have it already.
    "free-shipping-cart": {
      fitsAnyway: 0.5,
      byKind: {
        occasional: 1.4,
        new: 1.3,
        heavy_returner: 1.2,
        bargain_hunter: 0.8,
        loyal: 0.6,
        promoter: 0.6,
        drifting: 0.8,
        unhappy: 0.5,
      },
    },
    // What goes with what they just bought: new and occasional customers have not got it yet; returners send it back.
    "accessory-bundle": {
      fitsAnyway: 0.3,
      byKind: {
        new: 1.5,
        occasional: 1.3,
        promoter: 1.2,
        bargain_hunter: 0.8,
        drifting: 0.6,
        heavy_returner: 0.4,
        unhappy: 0.4,
      },
    },
    // Points matter to those who collect them: loyal customers and promoters; little to everyone else.
    "points-booster": {
      byKind: {
        loyal: 2,
        promoter: 1.8,
        heavy_returner: 0.8,
        occasional: 0.6,
        new: 0.6,
        bargain_hunter: 0.5,
        drifting: 0.4,
        unhappy: 0.3,
      },
    },
    // A second order is what a new customer has not made yet.
    "welcome-bundle": {
      byKind: {
        new: 1.6,
        bargain_hunter: 1,
        occasional: 0.8,
        loyal: 0.8,
        promoter: 0.8,
        heavy_returner: 0.8,
        drifting: 0.8,
        unhappy: 0.6,
      },
    },
    // The deeper cut: bargain hunters and drifting customers take it more readily than 15 %.
    "winback-25": {
      byKind: { bargain_hunter: 1.4, drifting: 1.3, occasional: 1.2, loyal: 0.9, promoter: 0.9 },
    },
    // Someone who listens: the unhappy take a personal call where a coupon leaves them cold; bargain hunters want the coupon.
    "personal-call": {
      byKind: {
        unhappy: 3,
        loyal: 1.3,
        promoter: 1.3,
        heavy_returner: 1.2,
        occasional: 0.8,
        bargain_hunter: 0.4,
      },
    },
    // Promoters recommend us anyway; a bonus for both sides moves bargain hunters and newcomers too, a little.
    "referral-invite": {
      byKind: {
        promoter: 1,
        loyal: 0.8,
        new: 2,
        occasional: 1.5,
        heavy_returner: 1.5,
        bargain_hunter: 3,
        drifting: 1,
        unhappy: 1,
      },
    },
    // Happy customers write reviews; who complained is not asked (the catalog rule: no complaints).
    "review-request": { byKind: { promoter: 1.2, new: 1.2, loyal: 1, bargain_hunter: 0.5, drifting: 0.6 } },
  },
};

/** Kinds that sell: a purchase comes with their acceptance. The others fix, ask or teach. */
export const trueSellingKinds: ReadonlySet<string> = new Set([
  "discount",
  "early_access",
  "win_back",
  "service_upgrade",
  "co_creation",
]);
/** Kinds whose acceptance redeems money off a purchase (the customer may have bought anyway). */
export const moneyOffKinds: ReadonlySet<string> = new Set(["discount", "win_back"]);

/**
 * Whether this money-off action fits the order the customer makes anyway (ActionTruth.fitsAnyway):
 * a draw of its own per decision, so that it leaves the answer's draws as they were.
 */
export function fitsOrderAnyway(
  seed: number,
  customerIndex: number,
  decisionSeed: number,
  offer: { readonly id: string },
  parameters: TrueResponseParameters = trueResponseParameters,
): boolean {
  const share = parameters.actions[offer.id]?.fitsAnyway ?? 1;
  return seededRandom(mix32(seed, customerIndex, decisionSeed, 13))() < share;
}

/** Whether accepting this action redeems money off a purchase: the action's own truth, else its kind's. */
export function isMoneyOff(
  offer: { readonly id: string; readonly kind: string },
  parameters: TrueResponseParameters = trueResponseParameters,
): boolean {
  return parameters.actions[offer.id]?.moneyOff ?? moneyOffKinds.has(offer.kind);
}
/** Kinds that are marketing (they tire and can drive opt-outs); care never does. */
const recoveryKinds: ReadonlySet<string> = new Set(["service_recovery", "free_replacement"]);
const careKinds: ReadonlySet<string> = new Set([...recoveryKinds, "survey", "education"]);
export const isMarketingKind = (offerKind: string) => !careKinds.has(offerKind);

export interface OfferContext {
  readonly kind: CustomerKind;
  readonly offerKind: string;
  /** The catalog action, if the world knows more of it than its kind (TrueResponseParameters.actions). */
  readonly offerId?: string;
  /** The customer's true lifecycle stage as the pipeline sees it. */
  readonly stage: string;
  readonly channel: string;
  /** Local hour the offer arrives. */
  readonly hour: number;
  /** Marketing contacts in the fatigue window before this one. */
  readonly recentContacts: number;
  /** Whether the customer has a problem to put right (a complaint or service request in the last 30 days). */
  readonly hasProblem: boolean;
}

function hourLift(channel: string, hour: number, parameters: TrueResponseParameters): number {
  if (!parameters.hourSensitiveChannels.includes(channel)) return 1;
  if (hour >= 17 && hour < 21) return parameters.eveningLift;
  if (hour < 10) return parameters.morningDip;
  return 1;
}

/** What an accepted selling offer's purchase comes to: the usual basket scaled by the offer's worth. */
export function offerPurchaseMinor(
  usualBasketMinor: number,
  offerBusinessValueMinor: number,
  parameters: TrueResponseParameters = trueResponseParameters,
): number {
  return Math.round((usualBasketMinor * offerBusinessValueMinor) / parameters.referenceBasketMinor);
}

/**
 * The true chance of accepting and of declining (the rest is ignored). Marketing contacts in the
 * window damp acceptance by fatigueAcceptDecay each (care does not tire: it is not selling).
 */
export function trueResponse(
  context: OfferContext,
  parameters: TrueResponseParameters = trueResponseParameters,
): { accept: number; decline: number } {
  const [baseAccept, decline] = responseOdds(context.kind, context.offerKind);
  const fatigue = isMarketingKind(context.offerKind)
    ? parameters.fatigueAcceptDecay ** context.recentContacts
    : 1;
  const lift =
    (parameters.stageLift[context.stage]?.[context.offerKind] ?? 1) *
    (parameters.actions[context.offerId ?? ""]?.byKind[context.kind] ?? 1) *
    (parameters.channelLift[context.channel] ?? 1) *
    hourLift(context.channel, context.hour, parameters) *
    fatigue *
    (recoveryKinds.has(context.offerKind) && !context.hasProblem ? parameters.recoveryWithoutProblem : 1);
  const accept = Math.min(0.95, baseAccept * lift);
  return { accept, decline: Math.min(decline, 1 - accept) };
}

/** The chance that a marketing contact makes the customer opt out of its channel. */
export function optOutChance(
  kindOptOutRate: number,
  recentContacts: number,
  parameters: TrueResponseParameters = trueResponseParameters,
): number {
  return Math.min(0.9, kindOptOutRate * parameters.optOutScale * (1 + recentContacts) ** 2);
}

/** What an accepted offer brought and what it caused. */
export interface AcceptedOfferEffect {
  /** The purchase the acceptance came with (reported as its value); 0 for care. */
  readonly purchaseMinor: number;
  /** True when the offer caused the purchase; false when it rode on one the customer made anyway. */
  readonly newPurchase: boolean;
  /** What the offer changed in net value: a new purchase minus the offer's cost, or minus its cost alone. */
  readonly incrementalMinor: number;
}

/**
 * The effect of an accepted offer. Care buys nothing; a selling offer brings a purchase of the usual
 * basket scaled by the offer's worth — unless the customer would have bought anyway within its
 * validity (`anywayBasketMinor`), in which case it is redeemed on that purchase: accepted, with a
 * value, yet its only effect is its cost (the margin a discount gives away).
 */
export function acceptedOfferEffect(
  offer: { readonly kind: string; readonly businessValueMinor: number; readonly costMinor: number },
  usualBasketMinor: number,
  anywayBasketMinor: number | null,
  parameters: TrueResponseParameters = trueResponseParameters,
): AcceptedOfferEffect {
  if (!trueSellingKinds.has(offer.kind))
    return { purchaseMinor: 0, newPurchase: false, incrementalMinor: -offer.costMinor };
  if (anywayBasketMinor !== null)
    return { purchaseMinor: anywayBasketMinor, newPurchase: false, incrementalMinor: -offer.costMinor };
  const purchaseMinor = offerPurchaseMinor(usualBasketMinor, offer.businessValueMinor, parameters);
  return { purchaseMinor, newPurchase: true, incrementalMinor: purchaseMinor - offer.costMinor };
}
