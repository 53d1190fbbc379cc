import { noExperience, type Touchpoint } from "@cx/contracts";
import { ProfileStore } from "@cx/enrichment";
import {
  type Arbiter,
  careCatalog,
  customerView,
  type Decision,
  type EngineSettings,
  isHeldOut,
  type LearnerSettings,
  type OfferCatalog,
  type OfferCustomer,
  OfferEngine,
  type OfferOutcome,
  PropensityLearner,
  recoveryKinds,
} from "@cx/offers";
import { seededRandom } from "@cx/random";
import {
  acceptedOfferEffect,
  basketMinor,
  churnHazard,
  churnThreshold,
  fitsOrderAnyway,
  isMarketingKind,
  isMoneyOff,
  kindBehaviours,
  mix32,
  nextOrganicPurchase,
  type OrganicEvent,
  optOutChance,
  organicDay,
  trueResponse,
  trueResponseParameters,
} from "@cx/workload";
import type { SimulatedCustomer } from "./population";
import { decisionRegret } from "./regret";
import { dayMs, hourMs, simulationStart, TouchpointMaker } from "./sim-touchpoints";

/** Days of purchase history every customer has before the offers start (profiles only). */
export const warmUpDays = 120;
/** A complaint or service request this many days old still leaves something to put right. */
const problemDays = 30;
/** The daily check of follow-ups and expiries, at 09:00 (after quiet hours). */
const tickHour = 9;

export interface MarketSetup {
  readonly seed: number;
  readonly days: number;
  readonly population: readonly SimulatedCustomer[];
  readonly catalog: OfferCatalog;
  readonly engine: EngineSettings;
  readonly learner: LearnerSettings;
  readonly arbiter: Arbiter;
  /** Whether to measure the learner's regret on every decision (costs a ranking per decision). */
  readonly measureRegret: boolean;
}

export interface MarketTotals {
  /** What accepted selling offers brought: the purchase each came with (care is judged by churn, not here). */
  acceptedValueMinor: number;
  /** Every purchase in the period, minus what accepted offers cost. */
  netValueMinor: number;
  contacts: number;
  marketingContacts: number;
  accepted: number;
  optOuts: number;
  /** Customers who had left by the end. */
  churned: number;
  regrets: { week: number; regret: number }[];
}

/** Something that happens to one customer later: a resolution, an answer to an offer, an opt-out. */
type Pending =
  | { readonly at: number; readonly type: "touchpoint"; readonly touchpoint: Touchpoint }
  | { readonly at: number; readonly type: "answer"; readonly answer: PlannedAnswer };

interface PlannedAnswer {
  readonly decision: Decision;
  readonly outcome: OfferOutcome;
  /** The organic purchase the offer is redeemed on (the customer would have bought anyway), if any. */
  readonly anyway: { readonly day: number; readonly event: OrganicEvent } | null;
}

interface Life {
  readonly customer: SimulatedCustomer;
  readonly touchpoints: TouchpointMaker;
  offers: OfferCustomer | undefined;
  churned: boolean;
  hazard: number;
  threshold: number;
  returns: number;
  lastComplaintDay: number | null;
  /** The last complaint or service request: something a recovery action could put right. */
  lastProblemDay: number | null;
  recovered: boolean;
  marketingSent: number[];
  optedOut: Set<string>;
  /** Organic purchase days that carry an offer accepted earlier, with what the offer cost. */
  redeemed: Map<number, number>;
  pending: Pending[];
}

const dayOf = (at: number) => Math.floor((at - simulationStart) / dayMs);
const seedOf = (decisionId: string) => Number.parseInt(decisionId.slice(4, 12), 16);

/**
 * One policy's run over the population: each day every customer lives their organic day (the same
 * under every policy), their touchpoints go through the real profile store and offer engine, and
 * they answer what the engine sends as the true response model says.
 */
export function runMarket(setup: MarketSetup): MarketTotals {
  const { seed, catalog } = setup;
  const profiles = new ProfileStore();
  const learner = new PropensityLearner(setup.learner);
  const engine = new OfferEngine(catalog, setup.engine, setup.arbiter);
  const offersById = new Map(catalog.offers.map((offer) => [offer.id, offer]));
  const totals: MarketTotals = {
    acceptedValueMinor: 0,
    netValueMinor: 0,
    contacts: 0,
    marketingContacts: 0,
    accepted: 0,
    optOuts: 0,
    churned: 0,
    regrets: [],
  };

  const lives: Life[] = setup.population.map((customer) => ({
    customer,
    touchpoints: new TouchpointMaker(customer.id),
    offers: undefined,
    churned: false,
    hazard: 0,
    threshold: churnThreshold(seed, customer.index, 0),
    returns: 0,
    lastComplaintDay: null,
    lastProblemDay: null,
    recovered: false,
    marketingSent: [],
    optedOut: new Set(),
    redeemed: new Map(),
    pending: [],
  }));

  const advance = (life: Life, now: number) => {
    const customer = life.offers;
    if (!customer) return;
    const due =
      customer.state.followUps.some((followUp) => followUp.dueAt <= now) ||
      customer.state.sent.some((sent) => sent.outcome === null && sent.expiresAt <= now);
    if (!due) return;
    const result = engine.handleTime(customer, now, learner);
    life.offers = { state: result.state, view: customer.view };
    for (const decision of result.decisions) deliver(life, decision);
  };

  const feed = (life: Life, touchpoint: Touchpoint) => {
    const { snapshot } = profiles.apply(life.customer.id, touchpoint);
    advance(life, touchpoint.occurredAt);
    const result = engine.handleTouchpoint(
      life.offers,
      life.customer.id,
      touchpoint,
      customerView(snapshot),
      learner,
    );
    life.offers = { state: result.state, view: result.view };
    for (const decision of result.decisions) deliver(life, decision);
  };

  /** The engine sent something: count it, measure regret, and plan the customer's true answer. */
  const deliver = (life: Life, decision: Decision) => {
    const { offer, channel } = decision;
    const view = life.offers?.view;
    if (!offer || !channel || !view) return;
    const at = decision.request.at;
    const { kind, index } = life.customer;
    totals.contacts++;
    const marketing = isMarketingKind(offer.kind);
    const window = trueResponseParameters.fatigueWindowDays * dayMs;
    const recentContacts = life.marketingSent.filter((sentAt) => sentAt > at - window && sentAt <= at).length;
    const respond = (candidate: { id: string; kind: string }, on: string) =>
      trueResponse({
        kind,
        offerKind: candidate.kind,
        offerId: candidate.id,
        stage: view.lifecycle.stage,
        channel: on,
        hour: new Date(at).getUTCHours(),
        recentContacts: isMarketingKind(candidate.kind) ? recentContacts : 0,
        hasProblem: life.lastProblemDay !== null && dayOf(at) - life.lastProblemDay <= problemDays,
      });
    if (setup.measureRegret && life.offers) {
      const stateBefore = {
        ...life.offers.state,
        sent: life.offers.state.sent.filter((sent) => sent.decisionId !== decision.decisionId),
      };
      // A held-out customer could only get care: the best it could have sent is among care actions.
      const choices = isHeldOut(life.customer.id, setup.engine.holdout) ? careCatalog(catalog) : catalog;
      const regret = decisionRegret(decision, choices, stateBefore, setup.engine, (candidate, on) => {
        const value = Math.max(0, candidate.businessValueMinor - candidate.costMinor) * candidate.lever;
        return respond(candidate, on).accept * value;
      });
      totals.regrets.push({ week: Math.floor(dayOf(at) / 7), regret });
    }
    if (marketing) {
      totals.marketingContacts++;
      life.marketingSent.push(at);
    }

    const random = seededRandom(mix32(seed, index, seedOf(decision.decisionId)));
    const day = dayOf(at);
    const validDays = Math.max(1, Math.floor(offer.validForHours / 24));
    const anyway =
      isMoneyOff(offer) && !life.churned && fitsOrderAnyway(seed, index, seedOf(decision.decisionId), offer)
        ? nextOrganicPurchase(seed, index, kind, day + 1, day + validDays)
        : null;
    const truth = respond(offer, channel);
    const accept = anyway ? Math.max(truth.accept, trueResponseParameters.redeemAnywayAtLeast) : truth.accept;
    const roll = random();
    const optOut = marketing && random() < optOutChance(kindBehaviours[kind].optOut, recentContacts);
    const outcome: OfferOutcome = optOut
      ? "ignored"
      : roll < accept
        ? "accepted"
        : roll < accept + truth.decline
          ? "declined"
          : "ignored";
    const answerAt = at + (channel === "phone" ? 0.1 : 1 + random() * 2) * hourMs;
    life.pending.push({ at: answerAt, type: "answer", answer: { decision, outcome, anyway } });
    if (optOut) {
      totals.optOuts++;
      life.optedOut.add(channel);
      life.pending.push({
        at: answerAt,
        type: "touchpoint",
        touchpoint: life.touchpoints.consent(answerAt, channel, false),
      });
    }
  };

  const answer = (life: Life, at: number, { decision, outcome, anyway }: PlannedAnswer) => {
    const offer = decision.offer && offersById.get(decision.offer.id);
    if (!offer || !life.offers) return;
    const { kind, index } = life.customer;
    let valueMinor = 0;
    let purchase: Touchpoint | null = null;
    if (outcome === "accepted") {
      totals.accepted++;
      const usual = basketMinor(kind, seededRandom(mix32(seed, index, seedOf(decision.decisionId), 7)));
      const effect = acceptedOfferEffect(offer, usual, anyway?.event.amountMinor ?? null);
      totals.netValueMinor += effect.incrementalMinor;
      totals.acceptedValueMinor += effect.purchaseMinor;
      valueMinor = effect.purchaseMinor;
      if (anyway) life.redeemed.set(anyway.day, offer.costMinor);
      if (effect.newPurchase) purchase = life.touchpoints.purchase(at, effect.purchaseMinor, offer.costMinor);
      if (recoveryKinds.includes(offer.kind)) life.recovered = true;
      if (offer.kind === "win_back" && life.churned) {
        life.churned = false;
        life.returns++;
        life.hazard = 0;
        life.threshold = churnThreshold(seed, index, life.returns);
      }
    }
    advance(life, at);
    const result = engine.handleResponse(
      life.offers,
      { decisionId: decision.decisionId, outcome, at, valueMinor },
      learner,
    );
    if (!("refused" in result)) life.offers = { state: result.state, view: life.offers?.view ?? null };
    if (purchase) feed(life, purchase);
  };

  const organic = (life: Life, day: number, event: OrganicEvent, at: number) => {
    const { touchpoints } = life;
    switch (event.type) {
      case "purchase": {
        totals.netValueMinor += event.amountMinor;
        feed(life, touchpoints.purchase(at, event.amountMinor, life.redeemed.get(day) ?? 0));
        return;
      }
      case "complaint":
      case "service_request": {
        life.lastProblemDay = day;
        if (event.type === "complaint") {
          life.lastComplaintDay = day;
          life.recovered = false;
        }
        const resolvedNow = event.resolvedAfterDays === 0 && event.type === "service_request";
        feed(
          life,
          touchpoints.make(event.type, at, {
            sentiment: event.type === "complaint" ? -0.7 : -0.1,
            experience: { ...noExperience, resolved: resolvedNow },
          }),
        );
        if (!resolvedNow) {
          const resolvedAt = at + Math.max(1, event.resolvedAfterDays * 24) * hourMs;
          life.pending.push({
            at: resolvedAt,
            type: "touchpoint",
            touchpoint: touchpoints.make("service_resolved", resolvedAt, {
              experience: { ...noExperience, resolved: true },
            }),
          });
        }
        return;
      }
      default:
        feed(life, touchpoints.make(event.type, at));
    }
  };

  // Warm-up: history into the profiles only, so stages and tiers are established on day 0.
  for (let day = -warmUpDays; day < 0; day++) {
    for (const life of lives) {
      const event = organicDay(seed, life.customer.index, day, life.customer.kind, false);
      if (event?.type !== "purchase") continue;
      const at = simulationStart + day * dayMs + event.hour * hourMs;
      profiles.apply(life.customer.id, life.touchpoints.purchase(at, event.amountMinor, 0));
    }
  }
  for (const life of lives)
    for (const channel of life.customer.optedIn)
      feed(life, life.touchpoints.consent(simulationStart + 8 * hourMs, channel, true));

  for (let day = 0; day < setup.days; day++) {
    const dayStart = simulationStart + day * dayMs;
    for (const life of lives) {
      const { index, kind } = life.customer;
      const event = organicDay(seed, index, day, kind, life.churned);
      const minute = (index % 60) * 60_000;
      const today: { at: number; run: () => void }[] = [
        { at: dayStart + tickHour * hourMs, run: () => advance(life, dayStart + tickHour * hourMs) },
      ];
      if (event) {
        const at = dayStart + event.hour * hourMs + minute;
        today.push({ at, run: () => organic(life, day, event, at) });
      }
      // Pending events (answers come within hours) run in time order, also those planned today.
      const runPending = (until: number) => {
        for (;;) {
          life.pending.sort((a, b) => a.at - b.at);
          const first = life.pending[0];
          if (!first || first.at > until) return;
          life.pending.shift();
          if (first.type === "answer") answer(life, first.at, first.answer);
          else feed(life, first.touchpoint);
        }
      };
      today.sort((a, b) => a.at - b.at);
      for (const step of today) {
        runPending(step.at);
        step.run();
      }
      runPending(dayStart + dayMs - 1);
      if (!life.churned) {
        life.hazard += churnHazard(kind, day, life.lastComplaintDay, life.recovered);
        if (life.hazard >= life.threshold) life.churned = true;
      }
    }
  }
  totals.churned = lives.filter((life) => life.churned).length;
  return totals;
}
