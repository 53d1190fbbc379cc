import type { Touchpoint } from "@cx/contracts";
import { eventIdHash, type LifecycleStage, rememberEvent } from "@cx/customer-profile";
import type { DeliveryChannel, OfferKind, Trigger } from "./catalog";
import { deliveryChannels } from "./catalog";

export type OfferOutcome = "accepted" | "declined" | "ignored" | "expired";

export interface SentOffer {
  readonly decisionId: string;
  readonly offerId: string;
  readonly kind: OfferKind;
  readonly channel: DeliveryChannel;
  readonly at: number;
  readonly expiresAt: number;
  /** The learner's context key the decision was made in, so its outcome teaches the same cell. */
  readonly context: string;
  readonly outcome: OfferOutcome | null;
}

export interface FollowUp {
  readonly trigger: Extract<Trigger, "followup_survey" | "followup_check_back">;
  readonly dueAt: number;
  /** The event that scheduled it: the follow-up's decision is named after it, so it fires once. */
  readonly eventId: string;
}

/** What the offer service keeps per customer (its changelog value). Plain data. */
export interface CustomerOfferState {
  readonly customerId: string;
  /** Explicit answers from consent-change touchpoints; a channel never answered has no entry. */
  readonly consent: Partial<Record<DeliveryChannel, boolean>>;
  readonly sent: SentOffer[];
  /** Times each offer was declined. */
  readonly declines: Record<string, number[]>;
  readonly lastComplaintAt: number | null;
  /** Set by a service request or complaint, cleared when service is resolved. */
  readonly unresolvedSince: number | null;
  readonly stage: LifecycleStage | null;
  readonly followUps: FollowUp[];
  readonly erased: boolean;
  readonly timeZone: string | null;
  /** Hashes of the touchpoints already applied (eventIdHash): a redelivered one changes and decides nothing. */
  readonly seenEventHashes: number[];
}

/** Sent offers older than this are forgotten (caps and decline windows are shorter). */
export const offerHistoryDays = 90;
const dayMs = 86_400_000;

export function emptyOfferState(customerId: string): CustomerOfferState {
  return {
    customerId,
    consent: {},
    sent: [],
    declines: {},
    lastComplaintAt: null,
    unresolvedSince: null,
    stage: null,
    followUps: [],
    erased: false,
    timeZone: null,
    seenEventHashes: [],
  };
}

/** Consent, complaints, service state and time zone from one touchpoint; pure. */
export function observeTouchpoint(state: CustomerOfferState, touchpoint: Touchpoint): CustomerOfferState {
  const at = touchpoint.occurredAt;
  let next: CustomerOfferState = {
    ...state,
    seenEventHashes: rememberEvent(state.seenEventHashes, eventIdHash(touchpoint.eventId)),
    sent: state.sent.filter((offer) => offer.at > at - offerHistoryDays * dayMs),
  };
  const timeZone = touchpoint.attributes.timeZone;
  if (timeZone) next = { ...next, timeZone };
  if (touchpoint.type === "consent_change" && touchpoint.consent) {
    const { scope, granted } = touchpoint.consent;
    const channels = scope === "all" ? deliveryChannels : [scope];
    next = {
      ...next,
      consent: { ...next.consent, ...Object.fromEntries(channels.map((channel) => [channel, granted])) },
    };
  }
  if (touchpoint.type === "complaint")
    next = {
      ...next,
      lastComplaintAt: Math.max(at, next.lastComplaintAt ?? at),
      unresolvedSince: next.unresolvedSince ?? at,
    };
  if (touchpoint.type === "service_request" && touchpoint.experience.resolved !== true)
    next = { ...next, unresolvedSince: next.unresolvedSince ?? at };
  if (touchpoint.type === "service_resolved" || touchpoint.experience.resolved === true)
    next = { ...next, unresolvedSince: null };
  if (touchpoint.type === "erasure_request") next = { ...emptyOfferState(state.customerId), erased: true };
  return next;
}
