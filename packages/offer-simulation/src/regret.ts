import {
  type CustomerOfferState,
  contactRefusal,
  type Decision,
  type EngineSettings,
  isEligible,
  type OfferCatalog,
  type OfferDefinition,
} from "@cx/offers";

/** What an action is worth under the truth: its true acceptance × net value × the business's lever. */
export type TrueWorth = (offer: OfferDefinition, channel: string) => number;

/**
 * The learner's regret on one decision: the true worth of the best action it could have sent
 * (eligible, and let out by the contact policy on the first channel it may use) minus the true worth
 * of what it sent. Zero when it picked the truly best action; never negative.
 */
export function decisionRegret(
  decision: Decision,
  catalog: OfferCatalog,
  stateBefore: CustomerOfferState,
  settings: EngineSettings,
  worth: TrueWorth,
): number {
  if (!decision.offer || !decision.channel) return 0;
  const { request } = decision;
  const best = catalog.offers
    .filter((offer) => isEligible(offer, request))
    .reduce((most, offer) => {
      const channel = offer.channels.find(
        (candidate) =>
          contactRefusal(stateBefore, offer, candidate, request.at, settings.policy) === undefined,
      );
      return channel ? Math.max(most, worth(offer, channel)) : most;
    }, 0);
  return Math.max(0, best - worth(decision.offer, decision.channel));
}

/** Cumulative sums at the end of each week, from regrets tagged with the week they fell in. */
export function cumulativeByWeek(
  regrets: readonly { week: number; regret: number }[],
  weeks: number,
): number[] {
  const perWeek = Array.from({ length: weeks }, () => 0);
  for (const { week, regret } of regrets) perWeek[week] = (perWeek[week] ?? 0) + regret;
  let running = 0;
  return perWeek.map((weekly) => {
    running += weekly;
    return running;
  });
}
