import {
  type Arbiter,

  contactRefusal,
  contextKey,
  type Decision,
  type DecisionRequest,
  type DeliveryChannel,
  decisionIdFor,
  isEligible,
  type OfferDefinition,
  type PropensityLearner,
  permissionRefusal,
} from "@cx/offers";
import { pick, seededRandom } from "@cx/random";

/** A decision to send `offer` on `channel`, explained with the learner's mean (baselines do not rank). */
function sendDecision(
  decisionId: string,
  request: DecisionRequest,
  offer: OfferDefinition,
  channel: DeliveryChannel,
  learner: PropensityLearner,
  eligible: number,
): Decision {
  const context = contextKey(request.customer, channel);
  return {
    decisionId,
    request,
    offer,
    channel,
    expiresAt: request.at + offer.validForHours * 3_600_000,
    explanation: {
      propensity: learner.mean(offer.id, context),
      contextWeight: 1,
      value: offer.businessValueMinor - offer.costMinor,
      lever: 1,
      priority: 0,
      context,
      alternatives: [],
    },
    suppressed: [],
    eligible,
  };
}

const nothing = (decisionId: string, request: DecisionRequest, eligible: number): Decision => ({
  decisionId,
  request,
  offer: null,
  channel: null,
  expiresAt: null,
  explanation: null,
  suppressed: [],
  eligible,
});

/**
 * Baseline: a uniformly random choice among the eligible actions that the contact policy lets out
 * (each on the first channel it may use). No ranking at all: not the engine's order, not its
 * learner; the same eligibility, service-first rule and contact policy as the product.
 */
export const randomAction: Arbiter = (catalog, state, request, learner, settings) => {
  const decisionId = decisionIdFor(request.customerId, request.eventId, request.trigger);
  const eligible = catalog.offers.filter((offer) => isEligible(offer, request));
  const allowed = eligible.flatMap((offer) => {
    const channel = offer.channels.find(
      (candidate) => contactRefusal(state, offer, candidate, request.at, settings.policy) === undefined,
    );
    return channel ? [{ offer, channel }] : [];
  });
  if (allowed.length === 0) return [nothing(decisionId, request, eligible.length)];
  const random = seededRandom(Number.parseInt(decisionId.slice(4, 12), 16));
  const { offer, channel } = pick(random, allowed);
  return [sendDecision(decisionId, request, offer, channel, learner, eligible.length)];
};

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
    return [sendDecision(decisionId, request, offer, channel, learner, eligible.length)];
  });
};

