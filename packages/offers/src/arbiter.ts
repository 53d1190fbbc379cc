import { type Decision, type DecisionRequest, decide } from "./arbitration";
import { careKinds, type OfferCatalog } from "./catalog";
import type { CustomerOfferState } from "./customer-offers";
import { type HoldoutSettings, isHeldOut } from "./holdout";
import type { PropensityLearner } from "./learner";
import type { EngineSettings } from "./offer-engine";

/**
 * Chooses what goes out for one decision request: the engine's decisions, each with the actions
 * refused on the way. The product uses `bestAction`; the simulation swaps in baselines (random,
 * broadcast) to measure the product against them under the same engine.
 */
export type Arbiter = (
  catalog: OfferCatalog,
  state: CustomerOfferState,
  request: DecisionRequest,
  learner: PropensityLearner,
  settings: EngineSettings,
) => Decision[];

/** The product's arbitration: the single best action the contact policy lets out (or none). */
export const bestAction: Arbiter = (catalog, state, request, learner, settings) => [
  decide(catalog, state, request, learner, settings.policy, settings.arbitration),
];

/** The catalog without marketing: what a held-out customer may still get. */
export const careCatalog = (catalog: OfferCatalog): OfferCatalog => ({
  ...catalog,
  offers: catalog.offers.filter((offer) => careKinds.includes(offer.kind)),
});

/**
 * The universal holdout around any arbiter: a held-out customer gets what the arbiter chooses
 * among care actions only, and what it would have sent from the whole catalog, if that was
 * marketing, is recorded as suppressed with reason `holdout` (so treatment and control can be
 * compared like for like). Other customers get the arbiter's choice unchanged.
 */
export function withHoldout(arbiter: Arbiter, holdout: HoldoutSettings): Arbiter {
  return (catalog, state, request, learner, settings) => {
    if (!isHeldOut(request.customerId, holdout)) return arbiter(catalog, state, request, learner, settings);
    const heldOut = arbiter(catalog, state, request, learner, settings).flatMap((decision) =>
      decision.offer && decision.channel && !careKinds.includes(decision.offer.kind)
        ? [{ offerId: decision.offer.id, channel: decision.channel, reason: "holdout" as const }]
        : [],
    );
    const [first, ...rest] = arbiter(careCatalog(catalog), state, request, learner, settings);
    if (!first) return [];
    return [{ ...first, suppressed: [...heldOut, ...first.suppressed] }, ...rest];
  };
}
