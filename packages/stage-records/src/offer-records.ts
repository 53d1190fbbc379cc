import { loadContract } from "@cx/contracts";
import { type LifecycleStage, type ValueTier, withRememberedIds } from "@cx/customer-profile";
import type { KeyedRecord } from "@cx/kafka";
import type {
  CustomerOfferState,
  CustomerView,
  Decision,
  LearnerState,
  OfferCustomer,
  OfferOutcomeRecord,
} from "@cx/offers";

export const offerContracts = {
  offer: loadContract("offer"),
  suppressed: loadContract("suppressed-decision"),
  outcome: loadContract("offer-outcome"),
  state: loadContract("offer-state"),
  response: loadContract("offer-response"),
};

export interface OfferRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly offerId: string;
  readonly kind: string;
  readonly title: string;
  readonly channel: string;
  readonly trigger: string;
  readonly decidedAt: number;
  readonly expiresAt: number;
  readonly catalogVersion: string;
  readonly explanation: NonNullable<Decision["explanation"]>;
}

export interface SuppressedRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly offerId: string;
  readonly channel: string;
  readonly reason: string;
  readonly trigger: string;
  readonly at: number;
}

interface ViewRecord {
  readonly tier: string;
  readonly stage: string;
  readonly negative: boolean;
  readonly traits: Record<string, number | null>;
}

/** The v1 ids beside the v2 hashes: a record written before v2 remembers ids only. */
type CustomerStateFields = CustomerOfferState & { readonly seenEventIds: readonly string[] };

export interface OfferStateRecord {
  readonly customer: (CustomerStateFields & { view: ViewRecord | null }) | null;
  readonly learner: LearnerState | null;
}

/** What a decision puts on the offers and suppressed-decisions topics. */
export function decisionRecords(
  decision: Decision,
  catalogVersion: string,
): { offers: KeyedRecord<OfferRecord>[]; suppressed: KeyedRecord<SuppressedRecord>[] } {
  const { request } = decision;
  const suppressed = decision.suppressed.map((entry) => ({
    key: request.customerId,
    value: {
      decisionId: decision.decisionId,
      customerId: request.customerId,
      offerId: entry.offerId,
      channel: entry.channel,
      reason: entry.reason,
      trigger: request.trigger,
      at: request.at,
    },
  }));
  if (!decision.offer || !decision.channel || decision.expiresAt === null || !decision.explanation)
    return { offers: [], suppressed };
  return {
    offers: [
      {
        key: request.customerId,
        value: {
          decisionId: decision.decisionId,
          customerId: request.customerId,
          offerId: decision.offer.id,
          kind: decision.offer.kind,
          title: decision.offer.title,
          channel: decision.channel,
          trigger: request.trigger,
          decidedAt: request.at,
          expiresAt: decision.expiresAt,
          catalogVersion,
          explanation: decision.explanation,
        },
      },
    ],
    suppressed,
  };
}

export const outcomeRecord = (outcome: OfferOutcomeRecord): KeyedRecord<OfferOutcomeRecord> => ({
  key: outcome.customerId,
  value: outcome,
});

export function customerStateRecord({ state, view }: OfferCustomer): OfferStateRecord {
  return {
    customer: {
      ...state,
      seenEventIds: [],
      view: view
        ? {
            tier: view.tier,
            stage: view.lifecycle.stage,
            negative: view.value.negative,
            traits: { ...view.traits },
          }
        : null,
    },
    learner: null,
  };
}

export function customerFromRecord(customer: NonNullable<OfferStateRecord["customer"]>): OfferCustomer {
  const { view, seenEventIds, ...state } = customer;
  return {
    state: { ...state, seenEventHashes: withRememberedIds(state.seenEventHashes, seenEventIds) },
    view: view
      ? {
          tier: view.tier as ValueTier,
          lifecycle: { stage: view.stage as LifecycleStage },
          value: { negative: view.negative },
          traits: view.traits as CustomerView["traits"],
        }
      : null,
  };
}
