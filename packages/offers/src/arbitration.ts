import { createHash } from "node:crypto";
import type { LifecycleStage, ValueTier } from "@cx/customer-profile";
import { seededRandom } from "@cx/random";
import {
  careKinds,
  type DeliveryChannel,
  type NumericTrait,
  numericTraits,
  type OfferCatalog,
  type OfferDefinition,
  recoveryKinds,
  type TraitPredicate,
  type Trigger,
} from "./catalog";
import { type ContactPolicy, contactRefusal, type SuppressionReason } from "./contact-policy";
import type { CustomerOfferState } from "./customer-offers";
import type { PropensityLearner } from "./learner";

/** What arbitration needs to know of the customer: the enricher's snapshot has all of it. */
export interface CustomerView {
  readonly tier: ValueTier;
  readonly lifecycle: { readonly stage: LifecycleStage };
  readonly value: { readonly negative: boolean };
  readonly traits: { readonly [K in NumericTrait]: number | null };
}

/** Just what arbitration reads of a snapshot (kept with the customer's offer state for follow-ups). */
export function customerView(snapshot: CustomerView): CustomerView {
  return {
    tier: snapshot.tier,
    lifecycle: { stage: snapshot.lifecycle.stage },
    value: { negative: snapshot.value.negative },
    traits: Object.fromEntries(
      numericTraits.map((trait) => [trait, snapshot.traits[trait] ?? null]),
    ) as CustomerView["traits"],
  };
}

export interface ArbitrationSettings {
  /** Each factor of priority = propensity × context weight × value × lever can be switched off (= 1). */
  readonly factors: { propensity: boolean; context: boolean; value: boolean; lever: boolean };
  /** How much a trigger makes this a moment to act (default 1). */
  readonly contextWeights: Partial<Record<Trigger, number>>;
  /** The customer's worth to the business, by value tier, multiplying the offer's net value. */
  readonly tierWeights: Record<ValueTier, number>;
  /** Thompson sampling (explore) or the posterior mean (exploit only). */
  readonly explore: boolean;
  /**
   * A marketing action whose expected worth (propensity × net value × tier weight) is below this,
   * in minor units, is not worth a contact: every selling message tires the customer and risks an
   * opt-out, so no offer is better. Care actions are never held back by it. 0 here (off); the
   * offers service sets OFFERS_MIN_EXPECTED_VALUE_MINOR (200).
   */
  readonly minExpectedValueMinor: number;
}

export const defaultArbitration: ArbitrationSettings = {
  factors: { propensity: true, context: true, value: true, lever: true },
  contextWeights: {
    complaint: 1.5,
    stage_at_risk: 1.3,
    stage_lapsed: 1.2,
    cart: 1.2,
    followup_check_back: 1.3,
  },
  tierWeights: { top: 1.5, middle: 1, low: 0.7, negative: 0.2 },
  explore: true,
  minExpectedValueMinor: 0,
};

/** Marketing sent within this window raises the bar for the next (see minExpectedValueMinor). */
const fatigueWindowMs = 14 * 86_400_000;

export interface DecisionRequest {
  readonly customerId: string;
  readonly trigger: Trigger;
  readonly at: number;
  /** The event that triggered the decision; with the trigger it names the decision. */
  readonly eventId: string;
  readonly customer: CustomerView;
  /** After a complaint, an unresolved request or strongly negative sentiment: recovery only. */
  readonly serviceFirst: boolean;
}

export interface Explanation {
  readonly propensity: number;
  readonly contextWeight: number;
  readonly value: number;
  readonly lever: number;
  readonly priority: number;
  readonly context: string;
  /** Other eligible actions, best first, with their priority. */
  readonly alternatives: { offerId: string; priority: number }[];
}

export interface Suppression {
  readonly offerId: string;
  readonly channel: DeliveryChannel;
  readonly reason: SuppressionReason;
}

export interface Decision {
  readonly decisionId: string;
  readonly request: DecisionRequest;
  /** The winner, or null: nothing eligible, or every eligible action refused by the contact policy. */
  readonly offer: OfferDefinition | null;
  readonly channel: DeliveryChannel | null;
  readonly expiresAt: number | null;
  readonly explanation: Explanation | null;
  readonly suppressed: Suppression[];
  readonly eligible: number;
}

/**
 * `dec_<24 hex>_<customer id>`: the hash of customer, event and trigger names the decision (so a
 * replay decides the same, and seeds its sampling); the customer id at the end lets an outcome
 * reported by decision id alone find the customer's offer state. Decisions made before the id
 * carried the customer (`dec_<24 hex>`) are still answered through offer_response touchpoints.
 */
export function decisionIdFor(customerId: string, eventId: string, trigger: Trigger): string {
  const hash = createHash("sha256").update(`${customerId}|${eventId}|${trigger}`).digest("hex");
  return `dec_${hash.slice(0, 24)}_${customerId}`;
}

const decisionIdPattern = /^dec_[0-9a-f]{24}_([A-Za-z0-9_-]{1,100})$/;

/** A decision id without the customer it names, for logs, which name no customer; still unique. */
export function decisionLogId(decisionId: string): string {
  return /^dec_[0-9a-f]{24}/.exec(decisionId)?.[0] ?? decisionId;
}

/** The customer a decision id names, or undefined for a malformed or pre-customer decision id. */
export function customerOfDecision(decisionId: string): string | undefined {
  return decisionIdPattern.exec(decisionId)?.[1];
}

/** The learner's context cell: what kind of customer, reached how. */
export const contextKey = (customer: CustomerView, channel: DeliveryChannel) =>
  `${customer.lifecycle.stage}|${customer.tier}|${channel}`;

function holds(predicate: TraitPredicate, customer: CustomerView): boolean {
  const value = customer.traits[predicate.trait];
  if (value === null) return false;
  switch (predicate.op) {
    case "<":
      return value < predicate.value;
    case "<=":
      return value <= predicate.value;
    case ">":
      return value > predicate.value;
    case ">=":
      return value >= predicate.value;
    case "==":
      return value === predicate.value;
  }
}

/** Whether an action may be considered at all for this customer and moment (before contact policy). */
export function isEligible(offer: OfferDefinition, request: DecisionRequest): boolean {
  const { customer } = request;
  if (!offer.triggers.includes(request.trigger)) return false;
  if (request.serviceFirst && !recoveryKinds.includes(offer.kind)) return false;
  const { stages, tiers, traits, allowNegativeValue } = offer.eligibility;
  if (stages && !stages.includes(customer.lifecycle.stage)) return false;
  if (tiers && !tiers.includes(customer.tier)) return false;
  if (customer.value.negative && !(allowNegativeValue ?? careKinds.includes(offer.kind))) return false;
  return traits.every((predicate) => holds(predicate, customer));
}

/**
 * Ranks the eligible actions by priority = propensity × context weight × value × lever and gives
 * the best one that the contact policy lets out, on the first of its channels that may be used.
 * Randomness (Thompson sampling) is seeded by the decision id, so a replay decides the same.
 */
export function decide(
  catalog: OfferCatalog,
  state: CustomerOfferState,
  request: DecisionRequest,
  learner: PropensityLearner,
  policy: ContactPolicy,
  settings: ArbitrationSettings = defaultArbitration,
): Decision {
  const decisionId = decisionIdFor(request.customerId, request.eventId, request.trigger);
  const random = seededRandom(Number.parseInt(decisionId.slice(4, 12), 16));
  const { factors } = settings;
  const ranked = catalog.offers
    .filter((offer) => isEligible(offer, request))
    .map((offer) => {
      const channel = offer.channels[0] as DeliveryChannel;
      const context = contextKey(request.customer, channel);
      const estimate = settings.explore
        ? learner.sample(offer.id, context, random)
        : learner.mean(offer.id, context);
      const propensity = factors.propensity ? estimate : 1;
      const netValue = Math.max(0, offer.businessValueMinor - offer.costMinor);
      const worth = estimate * netValue * settings.tierWeights[request.customer.tier];
      const contextWeight = factors.context ? (settings.contextWeights[request.trigger] ?? 1) : 1;
      const value = factors.value ? netValue * settings.tierWeights[request.customer.tier] : 1;
      const lever = factors.lever ? offer.lever : 1;
      return {
        offer,
        context,
        propensity,
        contextWeight,
        value,
        lever,
        worth,
        priority: propensity * contextWeight * value * lever,
      };
    })
    .sort((a, b) => b.priority - a.priority || a.offer.id.localeCompare(b.offer.id));

  // Each marketing message in the last fortnight doubles the bar: a tired customer needs a better reason.
  const recentMarketing = state.sent.filter(
    (sent) =>
      !careKinds.includes(sent.kind) && sent.at > request.at - fatigueWindowMs && sent.at <= request.at,
  ).length;
  const bar = settings.minExpectedValueMinor * 2 ** recentMarketing;
  const suppressed: Suppression[] = [];
  for (const candidate of ranked) {
    if (!careKinds.includes(candidate.offer.kind) && candidate.worth < bar) {
      suppressed.push({
        offerId: candidate.offer.id,
        channel: candidate.offer.channels[0] as DeliveryChannel,
        reason: "not_worth_contact",
      });
      continue;
    }
    for (const channel of candidate.offer.channels) {
      const reason = contactRefusal(state, candidate.offer, channel, request.at, policy);
      if (reason) {
        suppressed.push({ offerId: candidate.offer.id, channel, reason });
        continue;
      }
      return {
        decisionId,
        request,
        offer: candidate.offer,
        channel,
        expiresAt: request.at + candidate.offer.validForHours * 3_600_000,
        explanation: {
          propensity: candidate.propensity,
          contextWeight: candidate.contextWeight,
          value: candidate.value,
          lever: candidate.lever,
          priority: candidate.priority,
          context: contextKey(request.customer, channel),
          alternatives: ranked
            .filter((other) => other !== candidate)
            .map((other) => ({ offerId: other.offer.id, priority: other.priority })),
        },
        suppressed,
        eligible: ranked.length,
      };
    }
  }
  return {
    decisionId,
    request,
    offer: null,
    channel: null,
    expiresAt: null,
    explanation: null,
    suppressed,
    eligible: ranked.length,
  };
}
