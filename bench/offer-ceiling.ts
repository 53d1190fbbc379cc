import { randomAction, runMarket, simulatedPopulation } from "@cx/offer-simulation";
import {
  type Arbiter,
  bestAction,
  careKinds,
  contactRefusal,
  type Decision,
  decisionIdFor,
  isEligible,
  type OfferCatalog,
  recoveryKinds,
  sendDecision,
} from "@cx/offers";
import { offerSettings, offersEnvSchema } from "@cx/offers-service";
import {
  fitsOrderAnyway,
  isMoneyOff,
  kindBehaviours,
  nextOrganicPurchase,
  offerPurchaseMinor,
  trueResponse,
  trueResponseParameters,
} from "@cx/workload";

/**
 * How far above a random eligible action any engine could get in accepted value under the shipped
 * catalog and contact policy: an arbiter that knows the simulation's hidden truth (each customer's
 * kind, true response, usual basket and whether they would buy anyway) and on every trigger sends
 * the eligible action and channel the contact policy lets out with the highest true expected
 * accepted value (care first after a problem, as the engine does). Not a policy anyone could run:
 * a ceiling for `cx simulate`'s "engine accepted value ≥ 1.5 × random's".
 *
 * With `minWorth` (major units), a marketing action goes out only if its true expected accepted
 * value is at least that: the ceiling for a policy that sends less (as the contact check asks).
 *
 *   npx tsx bench/offer-ceiling.ts [seed=1] [customers=1000] [days=84] [minWorth=0]
 */
const [seed = 1, customers = 1000, days = 84, minWorth = 0] = process.argv.slice(2).map(Number);
const env = offersEnvSchema.parse(process.env);
const { engine, learner } = offerSettings(env);
const catalog: OfferCatalog = env.OFFERS_CATALOG_FILE;
const population = simulatedPopulation(seed, customers);
const dayMs = 86_400_000;
const start = Date.UTC(2026, 0, 5);

const knowsTheTruth: Arbiter = (offers, state, request, _learner, settings) => {
  const index = Number(request.customerId.split("_").at(-1));
  const kind = population[index]?.kind ?? "occasional";
  const day = Math.floor((request.at - start) / dayMs);
  const recentContacts = state.sent.filter(
    (sent) => !careKinds.includes(sent.kind) && sent.at > request.at - 14 * dayMs,
  ).length;
  const hasProblem = state.lastComplaintAt !== null || state.unresolvedSince !== null;
  const meanBasket =
    kindBehaviours[kind].basketMedianMinor * Math.exp(kindBehaviours[kind].basketSigma ** 2 / 2);
  let best: { worth: number; decision: Decision } | null = null;
  for (const offer of offers.offers.filter((candidate) => isEligible(candidate, request)))
    for (const channel of offer.channels) {
      if (contactRefusal(state, offer, channel, request.at, settings.policy)) continue;
      const care = careKinds.includes(offer.kind);
      const truth = trueResponse({
        kind,
        offerKind: offer.kind,
        offerId: offer.id,
        stage: request.customer.lifecycle.stage,
        channel,
        hour: new Date(request.at).getUTCHours(),
        recentContacts: care ? 0 : recentContacts,
        hasProblem,
      });
      const validDays = Math.max(1, Math.floor(offer.validForHours / 24));
      const decisionId = decisionIdFor(request.customerId, request.eventId, request.trigger);
      const decisionSeed = Number.parseInt(decisionId.slice(4, 12), 16);
      const anyway =
        isMoneyOff(offer) && fitsOrderAnyway(seed, index, decisionSeed, offer)
          ? nextOrganicPurchase(seed, index, kind, day + 1, day + validDays)
          : null;
      const accept = anyway
        ? Math.max(truth.accept, trueResponseParameters.redeemAnywayAtLeast)
        : truth.accept;
      const purchase = anyway
        ? anyway.event.amountMinor
        : offerPurchaseMinor(meanBasket, offer.businessValueMinor);
      // Recovery after a problem before anything; other care only when nothing sells.
      const worth = recoveryKinds.includes(offer.kind) ? 1e12 : care ? 0 : accept * purchase;
      if (!care && worth < minWorth * 100) continue;
      if (best && worth <= best.worth) continue;
      const context = `${request.customer.lifecycle.stage}|${request.customer.tier}|${channel}`;
      best = {
        worth,
        decision: sendDecision(
          decisionId,
          request,
          {
            offer,
            channel,
            explanation: {
              propensity: accept,
              contextWeight: 1,
              value: purchase,
              lever: 1,
              priority: worth,
              context,
              alternatives: [],
            },
          },
          [],
          1,
        ),
      };
    }
  return best ? [best.decision] : [];
};

const run = (arbiter: Arbiter, settings = engine) =>
  runMarket({ seed, days, population, catalog, engine: settings, learner, arbiter, measureRegret: false });
const none = run(bestAction, { ...engine, holdout: { percent: 100, salt: "none" } });
const figures = (totals: ReturnType<typeof run>) => ({
  acceptedValue: Math.round(totals.acceptedValueMinor) / 100,
  incrementalValue: Math.round(totals.netValueMinor - none.netValueMinor) / 100,
  contactsPerCustomer: Math.round((totals.marketingContacts / customers) * 1000) / 1000,
});
const random = figures(run(randomAction));
const ceiling = figures(run(knowsTheTruth));
console.log(
  JSON.stringify({
    setup: { seed, customers, days },
    random,
    ceiling,
    ceilingOverRandomAcceptedValue: Math.round((ceiling.acceptedValue / random.acceptedValue) * 1000) / 1000,
  }),
);
