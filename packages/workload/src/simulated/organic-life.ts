import { normal, seededRandom } from "@cx/random";
import { type CustomerKind, kindBehaviours } from "../kinds";
import { mix32 } from "../person";

/**
 * What a simulated customer does with no contact at all, and how they leave. Each day's draws are
 * a function of (seed, customer, day) only, so every policy simulated over the same seed meets the
 * same customers doing the same things unless an offer changes it (common random numbers: the
 * differences between policies are the offers' effects, not noise).
 */
export interface OrganicParameters {
  /** Daily chance of leaving for good (purchases stop; browsing goes on, rarer) per kind. */
  readonly churnPerDay: Readonly<Record<CustomerKind, number>>;
  /** After a complaint that no recovery action answered, churn is this many times likelier … */
  readonly unrecoveredComplaintChurn: number;
  /** … for this many days; after an accepted recovery action it is only this many times likelier. */
  readonly complaintChurnDays: number;
  readonly recoveredComplaintChurn: number;
  /** A customer who has left still browses at this share of their old contact rate. */
  readonly churnedBrowsing: number;
  /** Share of non-purchase web contacts that leave a cart. */
  readonly cartShare: number;
}

export const organicParameters: OrganicParameters = {
  churnPerDay: {
    loyal: 0.001,
    occasional: 0.004,
    new: 0.005,
    bargain_hunter: 0.004,
    heavy_returner: 0.003,
    drifting: 0.012,
    promoter: 0.0005,
    unhappy: 0.01,
  },
  unrecoveredComplaintChurn: 4,
  complaintChurnDays: 30,
  recoveredComplaintChurn: 1.2,
  churnedBrowsing: 0.3,
  cartShare: 0.3,
};

export type OrganicEventType = "purchase" | "cart" | "page_view" | "complaint" | "service_request";

export interface OrganicEvent {
  readonly type: OrganicEventType;
  /** Local hour (8–20). */
  readonly hour: number;
  /** Basket of a purchase, in minor units; 0 otherwise. */
  readonly amountMinor: number;
  /** For a complaint or service request: days until it is resolved (0 = at first contact). */
  readonly resolvedAfterDays: number;
}

const purposes = { day: 1, basket: 2, churn: 3 } as const;

/** A basket of this kind of customer (log-normal around the kind's median). */
export function basketMinor(kind: CustomerKind, random: () => number): number {
  const behaviour = kindBehaviours[kind];
  return Math.max(
    100,
    Math.round(behaviour.basketMedianMinor * Math.exp(behaviour.basketSigma * normal(random))),
  );
}

/** The customer's own contact on a day, or null for a quiet day. Churned customers only browse. */
export function organicDay(
  seed: number,
  customer: number,
  day: number,
  kind: CustomerKind,
  churned: boolean,
  parameters: OrganicParameters = organicParameters,
): OrganicEvent | null {
  const behaviour = kindBehaviours[kind];
  const random = seededRandom(mix32(seed, customer, day + 100_000, purposes.day));
  const rate = behaviour.contactsPerDay * (churned ? parameters.churnedBrowsing : 1);
  if (random() >= rate) return null;
  const hour = 8 + Math.floor(random() * 13);
  const roll = random();
  const resolvedAfterDays = random() < behaviour.firstFix ? 0 : 1 + Math.floor(random() * 6);
  const base = { hour, amountMinor: 0, resolvedAfterDays };
  if (roll < behaviour.complaint) return { ...base, type: "complaint" };
  if (roll < behaviour.complaint + behaviour.service) return { ...base, type: "service_request" };
  const shopping = random();
  if (!churned && shopping < behaviour.buy)
    return {
      ...base,
      type: "purchase",
      amountMinor: basketMinor(kind, seededRandom(mix32(seed, customer, day + 100_000, purposes.basket))),
    };
  return { ...base, type: random() < parameters.cartShare ? "cart" : "page_view" };
}

/** The first day in [from, to] on which the customer would buy anyway (as if still with us), or null. */
export function nextOrganicPurchase(
  seed: number,
  customer: number,
  kind: CustomerKind,
  from: number,
  to: number,
): { day: number; event: OrganicEvent } | null {
  for (let day = from; day <= to; day++) {
    const event = organicDay(seed, customer, day, kind, false);
    if (event?.type === "purchase") return { day, event };
  }
  return null;
}

/**
 * How much churn hazard a customer must accumulate before leaving (exponential, so leaving is a
 * memoryless process whose rate complaints and recovery change); a new draw after each return.
 */
export function churnThreshold(seed: number, customer: number, returns: number): number {
  return -Math.log(1 - seededRandom(mix32(seed, customer, returns, purposes.churn))());
}

/** Today's churn hazard, given the last complaint and whether a recovery action answered it. */
export function churnHazard(
  kind: CustomerKind,
  day: number,
  lastComplaintDay: number | null,
  recovered: boolean,
  parameters: OrganicParameters = organicParameters,
): number {
  const base = parameters.churnPerDay[kind];
  if (lastComplaintDay === null || day - lastComplaintDay > parameters.complaintChurnDays) return base;
  return base * (recovered ? parameters.recoveredComplaintChurn : parameters.unrecoveredComplaintChurn);
}
