import type { Touchpoint } from "@cx/contracts";
import { eventIdHash } from "@cx/customer-profile";
import { type Arbiter, bestAction, withHoldout } from "./arbiter";
import {
  type ArbitrationSettings,
  type CustomerView,
  type Decision,
  type DecisionRequest,
  defaultArbitration,
} from "./arbitration";
import { type OfferCatalog, offerFamily, type Trigger } from "./catalog";
import { type ContactPolicy, defaultContactPolicy } from "./contact-policy";
import {
  type CustomerOfferState,
  emptyOfferState,
  type FollowUp,
  type OfferOutcome,
  observeTouchpoint,
  offerHistoryDays,
  type SentOffer,
} from "./customer-offers";
import { type HoldoutSettings, noHoldout } from "./holdout";
import type { PropensityLearner } from "./learner";

export interface FollowUpSettings {
  /** A satisfaction survey this many days after a service was resolved. */
  readonly surveyAfterDays: number;
  /** A check-back this many days after a complaint. */
  readonly checkBackAfterDays: number;
}

export const defaultFollowUps: FollowUpSettings = { surveyAfterDays: 3, checkBackAfterDays: 7 };

export interface EngineSettings {
  readonly policy: ContactPolicy;
  readonly arbitration: ArbitrationSettings;
  readonly followUps: FollowUpSettings;
  /** Sentiment at or below this on a touchpoint, or a trend at or below it, puts service first. */
  readonly strongNegativeSentiment: number;
  /** The universal control group (no marketing); off unless configured. */
  readonly holdout: HoldoutSettings;
}

export const defaultEngineSettings: EngineSettings = {
  policy: defaultContactPolicy,
  arbitration: defaultArbitration,
  followUps: defaultFollowUps,
  strongNegativeSentiment: -0.6,
  holdout: noHoldout,
};

export interface OfferOutcomeRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly offerId: string;
  readonly channel: string;
  readonly outcome: OfferOutcome;
  readonly at: number;
  /** What the accepted offer brought (the touchpoint's amount), 0 otherwise. */
  readonly valueMinor: number;
  /** The decision's context cell (stage|tier|channel), so outcomes can be read per stage. */
  readonly context: string;
}

/** An outcome a marketing tool reported by decision id alone (not as a touchpoint). */
export interface ReportedOutcome {
  readonly decisionId: string;
  readonly outcome: OfferOutcome;
  readonly at: number;
  /** What an accepted offer brought, in minor units; 0 if unknown. */
  readonly valueMinor: number;
}

/** The engine's answer to a reported outcome: applied (perhaps already before), or why it cannot be. */
export type ResponseResult = EngineResult | { readonly refused: string };

export interface EngineResult {
  readonly state: CustomerOfferState;
  readonly decisions: Decision[];
  readonly outcomes: OfferOutcomeRecord[];
}

const touchpointTriggers: Partial<Record<Touchpoint["type"], Trigger>> = {
  purchase: "purchase",
  cart: "cart",
  complaint: "complaint",
  service_request: "service_request",
  service_resolved: "service_resolved",
  survey_response: "survey_response",
};
const stageTriggers: Partial<Record<string, Trigger>> = {
  at_risk: "stage_at_risk",
  lapsed: "stage_lapsed",
  won_back: "stage_won_back",
  loyal: "stage_loyal",
};
const dayMs = 86_400_000;

/** The customer's state with the view that follow-ups decide on (the latest snapshot). */
export interface OfferCustomer {
  readonly state: CustomerOfferState;
  readonly view: CustomerView | null;
}

/**
 * Per customer: watches their touchpoints (consent, complaints, outcomes), decides when a trigger
 * comes, schedules follow-ups and fires them once, expires offers nobody answered. Pure apart from
 * the learner it is given, which it teaches with every outcome.
 */
export class OfferEngine {
  private readonly arbiter: Arbiter;

  /** `arbiter` chooses what goes out (the product's best action unless a simulation swaps it). */
  constructor(
    private readonly catalog: OfferCatalog,
    private readonly settings: EngineSettings = defaultEngineSettings,
    arbiter: Arbiter = bestAction,
  ) {
    this.arbiter = withHoldout(arbiter, settings.holdout);
  }

  handleTouchpoint(
    customer: OfferCustomer | undefined,
    customerId: string,
    touchpoint: Touchpoint,
    view: CustomerView,
    learner: PropensityLearner,
  ): EngineResult & { view: CustomerView } {
    const before = customer?.state ?? emptyOfferState(customerId);
    // A redelivered touchpoint changes nothing; after an erasure request nothing is kept or decided.
    if (before.erased || before.seenEventHashes.includes(eventIdHash(touchpoint.eventId)))
      return { state: before, decisions: [], outcomes: [], view };
    let state = observeTouchpoint(before, touchpoint);
    const outcomes: OfferOutcomeRecord[] = [];
    const response = touchpoint.offerResponse;
    if (response) {
      const answered = this.answer(
        state,
        response.decisionId,
        response.outcome,
        touchpoint.occurredAt,
        learner,
        touchpoint.amount?.minor ?? 0,
      );
      state = answered.state;
      outcomes.push(...answered.outcomes);
    }
    state = { ...state, followUps: [...state.followUps, ...this.followUpsFor(touchpoint)] };

    const stageTrigger =
      before.stage !== null && before.stage !== view.lifecycle.stage
        ? stageTriggers[view.lifecycle.stage]
        : undefined;
    state = { ...state, stage: view.lifecycle.stage };
    const trigger = stageTrigger ?? touchpointTriggers[touchpoint.type];
    const decisions: Decision[] = [];
    if (trigger && !state.erased) {
      const serviceFirst =
        touchpoint.type === "complaint" ||
        state.unresolvedSince !== null ||
        (touchpoint.sentiment !== null && touchpoint.sentiment <= this.settings.strongNegativeSentiment) ||
        (view.traits.sentimentTrend !== null &&
          view.traits.sentimentTrend <= this.settings.strongNegativeSentiment);
      const decided = this.decideAndRecord(state, learner, {
        customerId,
        trigger,
        at: touchpoint.occurredAt,
        eventId: touchpoint.eventId,
        customer: view,
        serviceFirst,
      });
      state = decided.state;
      decisions.push(...decided.decisions);
    }
    return { state, decisions, outcomes, view };
  }

  /**
   * An outcome reported by decision id: teaches the learner like an offer_response touchpoint.
   * Reporting the same outcome again changes nothing; an unknown decision, or another outcome for
   * one already answered (or expired), is refused with the reason.
   */
  handleResponse(
    customer: OfferCustomer | undefined,
    response: ReportedOutcome,
    learner: PropensityLearner,
  ): ResponseResult {
    const sent = customer?.state.sent.find((offer) => offer.decisionId === response.decisionId);
    if (!customer || !sent)
      return {
        refused: `decision ${response.decisionId} is not among the offers sent to its customer in the last ${offerHistoryDays} days (unknown, or the customer was erased)`,
      };
    if (sent.outcome !== null)
      return sent.outcome === response.outcome
        ? { state: customer.state, decisions: [], outcomes: [] }
        : { refused: `decision ${response.decisionId} was already answered: ${sent.outcome}` };
    const answered = this.answer(
      customer.state,
      response.decisionId,
      response.outcome,
      response.at,
      learner,
      response.valueMinor,
    );
    return { state: answered.state, decisions: [], outcomes: answered.outcomes };
  }

  /** Follow-ups that are due fire (once: they leave the state), and unanswered offers expire. */
  handleTime(customer: OfferCustomer, now: number, learner: PropensityLearner): EngineResult {
    let state = customer.state;
    const outcomes: OfferOutcomeRecord[] = [];
    for (const sent of state.sent) {
      if (sent.outcome !== null || sent.expiresAt > now) continue;
      const expired = this.answer(state, sent.decisionId, "expired", sent.expiresAt, learner, 0);
      state = expired.state;
      outcomes.push(...expired.outcomes);
    }
    const due = state.followUps.filter((followUp) => followUp.dueAt <= now);
    state = { ...state, followUps: state.followUps.filter((followUp) => followUp.dueAt > now) };
    const decisions: Decision[] = [];
    if (customer.view && !state.erased) {
      for (const followUp of due) {
        const decided = this.decideAndRecord(state, learner, {
          customerId: state.customerId,
          trigger: followUp.trigger,
          at: now,
          eventId: followUp.eventId,
          customer: customer.view,
          serviceFirst: false,
        });
        state = decided.state;
        decisions.push(...decided.decisions);
      }
    }
    return { state, decisions, outcomes };
  }

  private decideAndRecord(state: CustomerOfferState, learner: PropensityLearner, request: DecisionRequest) {
    const decisions = this.arbiter(this.catalog, state, request, learner, this.settings);
    const sent = decisions.flatMap((decision): SentOffer[] =>
      decision.offer && decision.channel && decision.expiresAt !== null && decision.explanation
        ? [
            {
              decisionId: decision.decisionId,
              offerId: decision.offer.id,
              kind: decision.offer.kind,
              channel: decision.channel,
              at: request.at,
              expiresAt: decision.expiresAt,
              context: decision.explanation.context,
              outcome: null,
            },
          ]
        : [],
    );
    return { state: sent.length === 0 ? state : { ...state, sent: [...state.sent, ...sent] }, decisions };
  }

  private followUpsFor(touchpoint: Touchpoint): FollowUp[] {
    const at = touchpoint.occurredAt;
    const { surveyAfterDays, checkBackAfterDays } = this.settings.followUps;
    if (touchpoint.type === "service_resolved")
      return [
        { trigger: "followup_survey", dueAt: at + surveyAfterDays * dayMs, eventId: touchpoint.eventId },
      ];
    if (touchpoint.type === "complaint")
      return [
        {
          trigger: "followup_check_back",
          dueAt: at + checkBackAfterDays * dayMs,
          eventId: touchpoint.eventId,
        },
      ];
    return [];
  }

  /** Records the first answer to an offer, teaches the learner, remembers declines. */
  private answer(
    state: CustomerOfferState,
    decisionId: string,
    outcome: OfferOutcome,
    at: number,
    learner: PropensityLearner,
    valueMinor: number,
  ): { state: CustomerOfferState; outcomes: OfferOutcomeRecord[] } {
    const sent = state.sent.find((offer) => offer.decisionId === decisionId);
    if (!sent || sent.outcome !== null) return { state, outcomes: [] };
    learner.update(sent.offerId, sent.context, outcome === "accepted", offerFamily(sent.kind));
    const declines =
      outcome === "declined"
        ? { ...state.declines, [sent.offerId]: [...(state.declines[sent.offerId] ?? []), at] }
        : state.declines;
    return {
      state: {
        ...state,
        declines,
        sent: state.sent.map((offer) => (offer === sent ? { ...offer, outcome } : offer)),
      },
      outcomes: [
        {
          decisionId,
          customerId: state.customerId,
          offerId: sent.offerId,
          channel: sent.channel,
          outcome,
          at,
          valueMinor: outcome === "accepted" ? valueMinor : 0,
          context: sent.context,
        },
      ],
    };
  }
}
