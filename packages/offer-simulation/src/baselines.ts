import {
  type Arbiter,
  careKinds,
  contactRefusal,
  contextKey,
  type Decision,
  type DecisionRequest,
  type DeliveryChannel,
  decisionIdFor,
  isEligible,
  noDecision,
  type OfferDefinition,
  type PropensityLearner,
  permissionRefusal,
  recoveryKinds,
  sendDecision,
} from "@cx/offers";
import { pick, seededRandom } from "@cx/random";

/** A decision to send `offer` on `channel`, explained with the learner's mean (baselines do not rank). */
function sendWithMean(
  decisionId: string,
  request: DecisionRequest,
  offer: OfferDefinition,
  channel: DeliveryChannel,
  learner: PropensityLearner,
  eligible: number,
): Decision {
  const context = contextKey(request.customer, channel);
  const explanation = {
    propensity: learner.mean(offer.id, context),
    contextWeight: 1,
    value: offer.businessValueMinor - offer.costMinor,
    lever: 1,
    priority: 0,
    context,
    alternatives: [],
  };
  return sendDecision(decisionId, request, { offer, channel, explanation }, [], eligible);
}

const nothing = (decisionId: string, request: DecisionRequest, eligible: number): Decision =>
  noDecision(decisionId, request, [], eligible);

/**
 * Whether an action may go to this customer at this moment at all, whatever the targeting: the
 * protections (service first, care only for negative-value customers) without the catalog's
 * triggers, stages, tiers and traits, which are the engine's knowledge of whom to offer what.
 */
function permitted(offer: OfferDefinition, request: DecisionRequest): boolean {
  if (request.serviceFirst && !recoveryKinds.includes(offer.kind)) return false;
  return (
    !request.customer.value.negative ||
    (offer.eligibility.allowNegativeValue ?? careKinds.includes(offer.kind))
  );
}

/** A uniformly random choice among `candidates` that the contact policy lets out. */
function randomAmong(candidates: (offer: OfferDefinition, request: DecisionRequest) => boolean): Arbiter {
  return (catalog, state, request, learner, settings) => {
    const decisionId = decisionIdFor(request.customerId, request.eventId, request.trigger);
    const eligible = catalog.offers.filter((offer) => candidates(offer, request));
    const allowed = eligible.flatMap((offer) => {
      const channel = offer.channels.find(
        (candidate) => contactRefusal(state, offer, candidate, request.at, settings.policy) === undefined,
      );
      return channel ? [{ offer, channel }] : [];
    });
    if (allowed.length === 0) return [nothing(decisionId, request, eligible.length)];
    const random = seededRandom(Number.parseInt(decisionId.slice(4, 12), 16));
    const { offer, channel } = pick(random, allowed);
    return [sendWithMean(decisionId, request, offer, channel, learner, eligible.length)];
  };
}

/**
 * Baseline `random`: at the same moments as the engine, under the same contact policy, a uniformly
 * random action among those the catalog makes eligible (trigger, stage, tier, traits, service
 * first): the catalog's targeting without the engine's ranking and learner.
 */
export const randomAction: Arbiter = randomAmong(isEligible);

/**
 * Baseline `randomUntargeted`: the same, but among every action the customer may be sent at all
 * (see `permitted`): neither the catalog's targeting nor the engine's ranking.
 */
export const randomUntargetedAction: Arbiter = randomAmong(permitted);

/**
 * Baseline: every eligible action on every trigger, on the first channel the customer consented
 * to; no caps, no quiet hours, no cooling-off (consent and erasure are still respected).
 */
export const broadcastAll: Arbiter = (catalog, state, request, learner) => {
  const eligible = catalog.offers.filter((offer) => isEligible(offer, request));
  return eligible.flatMap((offer) => {
    const channel = offer.channels.find((candidate) => !permissionRefusal(state, offer, candidate));
    if (!channel) return [];
    const decisionId = decisionIdFor(request.customerId, `${request.eventId}#${offer.id}`, request.trigger);
    return [sendWithMean(decisionId, request, offer, channel, learner, eligible.length)];
  });
};
