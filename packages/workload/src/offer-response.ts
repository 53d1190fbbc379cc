import type { Channel } from "@cx/contracts";
import { normal, type Uniform } from "@cx/random";
import type { CustomerKind } from "./kinds";

/** What the workload needs of an offer (a decoded `cx.offers` record has all of it). */
export interface OfferToAnswer {
  readonly decisionId: string;
  readonly customerId: string;
  readonly offerId: string;
  /** discount, service_upgrade, education, free_replacement, early_access, co_creation, win_back, service_recovery, survey. */
  readonly kind: string;
  /** email, sms, push, phone or post. */
  readonly channel: string;
  readonly decidedAt: number;
  readonly expiresAt: number;
}

export type OfferOutcome = "accepted" | "declined" | "ignored";

/** [accept, decline] odds per customer kind and offer kind; the rest is ignored or never answered. */
const odds: Record<CustomerKind, Record<string, readonly [number, number]>> = {
  loyal: {
    discount: [0.2, 0.2],
    service_upgrade: [0.25, 0.2],
    education: [0.25, 0.1],
    free_replacement: [0.6, 0.05],
    early_access: [0.45, 0.1],
    co_creation: [0.35, 0.15],
    win_back: [0.3, 0.15],
    service_recovery: [0.5, 0.1],
    survey: [0.4, 0.1],
  },
  occasional: {
    discount: [0.15, 0.2],
    service_upgrade: [0.08, 0.25],
    education: [0.1, 0.15],
    free_replacement: [0.5, 0.1],
    early_access: [0.12, 0.2],
    co_creation: [0.05, 0.25],
    win_back: [0.12, 0.2],
    service_recovery: [0.35, 0.15],
    survey: [0.15, 0.15],
  },
  new: {
    discount: [0.2, 0.15],
    service_upgrade: [0.12, 0.2],
    education: [0.35, 0.1],
    free_replacement: [0.5, 0.1],
    early_access: [0.15, 0.2],
    co_creation: [0.05, 0.25],
    win_back: [0.15, 0.2],
    service_recovery: [0.4, 0.1],
    survey: [0.2, 0.15],
  },
  bargain_hunter: {
    discount: [0.65, 0.05],
    service_upgrade: [0.03, 0.4],
    education: [0.03, 0.3],
    free_replacement: [0.6, 0.05],
    early_access: [0.1, 0.3],
    co_creation: [0.02, 0.4],
    win_back: [0.55, 0.1],
    service_recovery: [0.4, 0.1],
    survey: [0.08, 0.2],
  },
  heavy_returner: {
    discount: [0.3, 0.15],
    service_upgrade: [0.1, 0.25],
    education: [0.15, 0.2],
    free_replacement: [0.6, 0.05],
    early_access: [0.15, 0.2],
    co_creation: [0.05, 0.3],
    win_back: [0.2, 0.2],
    service_recovery: [0.35, 0.15],
    survey: [0.1, 0.2],
  },
  drifting: {
    discount: [0.12, 0.2],
    service_upgrade: [0.05, 0.25],
    education: [0.05, 0.2],
    free_replacement: [0.4, 0.1],
    early_access: [0.08, 0.2],
    co_creation: [0.03, 0.25],
    win_back: [0.3, 0.2],
    service_recovery: [0.3, 0.15],
    survey: [0.08, 0.15],
  },
  promoter: {
    discount: [0.2, 0.15],
    service_upgrade: [0.3, 0.15],
    education: [0.2, 0.1],
    free_replacement: [0.6, 0.05],
    early_access: [0.6, 0.05],
    co_creation: [0.6, 0.05],
    win_back: [0.3, 0.15],
    service_recovery: [0.6, 0.05],
    survey: [0.55, 0.05],
  },
  unhappy: {
    discount: [0.05, 0.45],
    service_upgrade: [0.03, 0.5],
    education: [0.05, 0.4],
    free_replacement: [0.55, 0.1],
    early_access: [0.02, 0.5],
    co_creation: [0.02, 0.5],
    win_back: [0.05, 0.5],
    service_recovery: [0.6, 0.1],
    survey: [0.1, 0.3],
  },
};
const unknownKindOdds = [0.1, 0.2] as const;

/** Median delay before an answer, by the channel the offer went out on (phone: during the call). */
const medianDelayMs: Record<string, number> = {
  phone: 4 * 60_000,
  sms: 45 * 60_000,
  push: 60 * 60_000,
  email: 5 * 3_600_000,
  post: 3 * 24 * 3_600_000,
};

/** The probability a person of `kind` accepts and declines an offer of `offerKind`. */
export function responseOdds(kind: CustomerKind, offerKind: string): readonly [number, number] {
  return odds[kind][offerKind] ?? unknownKindOdds;
}

export interface PlannedResponse {
  readonly outcome: OfferOutcome;
  readonly delayMs: number;
}

/**
 * What a person of `kind` does with an offer: accept, decline, ignore (reported as such), or nothing
 * at all (null: the offer expires). Half of the rest after accept and decline is reported ignored.
 */
export function planResponse(
  kind: CustomerKind,
  offer: OfferToAnswer,
  random: Uniform,
): PlannedResponse | null {
  const [accept, decline] = responseOdds(kind, offer.kind);
  const roll = random();
  const outcome: OfferOutcome | null =
    roll < accept
      ? "accepted"
      : roll < accept + decline
        ? "declined"
        : roll < accept + decline + (1 - accept - decline) / 2
          ? "ignored"
          : null;
  if (outcome === null) return null;
  const median = medianDelayMs[offer.channel] ?? medianDelayMs.email ?? 3_600_000;
  const slower = outcome === "ignored" ? 3 : outcome === "declined" ? 0.7 : 1;
  const delayMs = Math.round(median * slower * Math.exp(0.8 * normal(random)));
  // On the phone the answer comes before the call ends.
  return { outcome, delayMs: offer.channel === "phone" ? Math.min(delayMs, 30 * 60_000) : delayMs };
}

/** The channel the customer's answer arrives on, by the offer's delivery channel. */
export function answerChannel(deliveredOn: string): Channel {
  return deliveredOn === "phone" ? "phone" : deliveredOn === "post" ? "store" : "web";
}

/** Offer kinds whose acceptance brings a purchase (the answer carries its amount). */
export const sellingKinds: ReadonlySet<string> = new Set([
  "discount",
  "early_access",
  "win_back",
  "service_upgrade",
]);
