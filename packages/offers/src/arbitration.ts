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
  offerFamily,
  recoveryKinds,
  type TraitPredicate,
  type Trigger,
} from "./catalog";
import { type ContactPolicy, contactRefusal, type SuppressionReason } from "./contact-policy";
import type { CustomerOfferState } from "./customer-offers";
import type { PropensityLearner } from "./learner";
import { localTime } from "./local-time";

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
   * A marketing action whose expected worth (propensity × net value: what this one message is
   * expected to bring, whoever the customer) is below this, in minor units, is not worth a contact:
   * every selling message tires the customer and risks an opt-out, so no offer is better. The bar
   * doubles with each marketing message the customer got in the last 14 days. Care actions are
   * never held back by it. 0 here (off); the offers service sets OFFERS_MIN_EXPECTED_VALUE_MINOR.
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

/** A decision to send `offer` on `channel`, valid for as long as the offer says from the request. */
export function sendDecision(
  decisionId: string,
  request: DecisionRequest,
  send: { offer: OfferDefinition; channel: DeliveryChannel; explanation: Explanation },
  suppressed: Suppression[],
  eligible: number,
): Decision {
  const expiresAt = request.at + send.offer.validForHours * 3_600_000;
  return { decisionId, request, ...send, expiresAt, suppressed, eligible };
}

/** A decision to send nothing (nothing eligible, or every eligible action refused). */
export function noDecision(
  decisionId: string,
  request: DecisionRequest,
  suppressed: Suppression[],
  eligible: number,
): Decision {
  return {
    decisionId,
    request,
    offer: null,
    channel: null,
    expiresAt: null,
    explanation: null,
    suppressed,
    eligible,
  };
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

/** The learner's context as it was before decisionContext (and its first three features): stage|tier|channel. */
export const contextKey = (customer: CustomerView, channel: DeliveryChannel) =>
  `${customer.lifecycle.stage}|${customer.tier}|${channel}`;

/** Marketing messages the customer got in the window before `at` (care does not count: it does not sell). */
function recentMarketing(state: CustomerOfferState, at: number): number {
  return state.sent.filter(
    (sent) => !careKinds.includes(sent.kind) && sent.at > at - fatigueWindowMs && sent.at <= at,
  ).length;
}

/** How the customer answered our selling before: took an offer, let them all pass, or never answered one. */
function responseHistory(state: CustomerOfferState): "took" | "passed" | "none" {
  const answered = state.sent.filter((sent) => !careKinds.includes(sent.kind) && sent.outcome !== null);
  if (answered.some((sent) => sent.outcome === "accepted")) return "took";
  return answered.length > 0 ? "passed" : "none";
}

/** The customer's buying rhythm from their mean gap between purchase days. */
function rhythm(customer: CustomerView): "once" | "frequent" | "regular" | "rare" {
  const gap = customer.traits.meanDaysBetweenPurchases ?? null;
  if (gap === null) return "once";
  return gap <= 10 ? "frequent" : gap <= 30 ? "regular" : "rare";
}

/**
 * The learner's context for sending an action on `channel` now: stage | tier | channel | moment of
 * the customer's day (morning before 10, day, evening from 17) | how they answered our selling
 * before | buying rhythm | marketing messages in the last fortnight (0, 1, 2 = two or more). All of
 * it is what the engine would see in production: the profile snapshot, the clock and its own
 * record of what it sent and how it was answered.
 */
export function decisionContext(
  request: DecisionRequest,
  state: CustomerOfferState,
  channel: DeliveryChannel,
  timeZone: string,
): string {
  const fatigue = Math.min(2, recentMarketing(state, request.at));
  const hour = localTime(request.at, state.timeZone ?? timeZone).hour;
  const moment = hour < 10 ? "morning" : hour >= 17 ? "evening" : "day";
  return `${contextKey(request.customer, channel)}|${moment}|${responseHistory(state)}|${rhythm(request.customer)}|${fatigue}`;
}

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
 * the best one that is worth a contact and that the contact policy lets out, or nothing. Each action
 * goes on the channel the learner expects most of for this customer among those the contact policy
 * lets out (Thompson sampling: each is tried until it is known), and its propensity is the learner's for the
 * customer's context on that channel (decisionContext). Randomness (Thompson sampling) is seeded by
 * the decision id, so a replay decides the same.
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
  const tierWeight = settings.tierWeights[request.customer.tier];
  const contextWeight = factors.context ? (settings.contextWeights[request.trigger] ?? 1) : 1;
  const ranked = catalog.offers
    .filter((offer) => isEligible(offer, request))
    .map((offer) => {
      const family = offerFamily(offer.kind);
      // Channels best first by what the learner believes of them for customers of this stage and
      // tier (a cell wide enough to be known, not a few outcomes of a narrow context), drawn from
      // its posterior so that a channel written off early still gets tried.
      const channels = offer.channels
        .map((channel, order) => ({
          channel,
          order,
          expected: settings.explore
            ? learner.sample(offer.id, contextKey(request.customer, channel), random, family)
            : learner.mean(offer.id, contextKey(request.customer, channel), family),
        }))
        .sort((a, b) => b.expected - a.expected || a.order - b.order)
        .map(({ channel }) => ({
          channel,
          refusal: contactRefusal(state, offer, channel, request.at, policy),
        }));
      const channel = channels.find((entry) => entry.refusal === undefined)?.channel ?? null;
      const context = decisionContext(
        request,
        state,
        channel ?? (channels[0]?.channel as DeliveryChannel),
        policy.defaultTimeZone,
      );
      const estimate = settings.explore
        ? learner.sample(offer.id, context, random, family)
        : learner.mean(offer.id, context, family);
      const netValue = Math.max(0, offer.businessValueMinor - offer.costMinor);
      const propensity = factors.propensity ? estimate : 1;
      const value = factors.value ? netValue * tierWeight : 1;
      const lever = factors.lever ? offer.lever : 1;
      return {
        offer,
        channel,
        // Every channel the contact policy refuses, whether or not the learner preferred it: a
        // withdrawn consent or a full cap is worth knowing either way.
        refused: channels.flatMap(({ channel: refusedChannel, refusal }) =>
          refusal ? [{ offerId: offer.id, channel: refusedChannel, reason: refusal }] : [],
        ),
        context,
        propensity,
        contextWeight,
        value,
        lever,
        worth: estimate * netValue,
        priority: propensity * contextWeight * value * lever,
      };
    })
    .sort((a, b) => b.priority - a.priority || a.offer.id.localeCompare(b.offer.id));

  // Each marketing message in the last fortnight doubles the bar: a tired customer needs a better reason.
  const bar = settings.minExpectedValueMinor * 2 ** recentMarketing(state, request.at);
  const suppressed: Suppression[] = [];
  for (const candidate of ranked) {
    const { offer, channel } = candidate;
    suppressed.push(...candidate.refused);
    if (!channel) continue;
    if (!careKinds.includes(offer.kind) && candidate.worth < bar) {
      suppressed.push({ offerId: offer.id, channel, reason: "not_worth_contact" });
      continue;
    }
    const explanation: Explanation = {
      propensity: candidate.propensity,
      contextWeight: candidate.contextWeight,
      value: candidate.value,
      lever: candidate.lever,
      priority: candidate.priority,
      context: candidate.context,
      alternatives: ranked
        .filter((other) => other !== candidate)
        .map((other) => ({ offerId: other.offer.id, priority: other.priority })),
    };
    return sendDecision(decisionId, request, { offer, channel, explanation }, suppressed, ranked.length);
  }
  return noDecision(decisionId, request, suppressed, ranked.length);
}
