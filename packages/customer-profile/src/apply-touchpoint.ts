import { identifierKeys, type Touchpoint, type TouchpointType } from "@cx/contracts";
import { touchChannel } from "./channel-activity";
import { type CustomerProfile, emptyProfile } from "./profile";
import { addPurchaseDay } from "./purchase-days";
import { eventIdHash, rememberEvent } from "./recent-events";
import { addSentiment } from "./sentiment-sums";
import { addService, serviceOfTouchpoint } from "./service-sums";

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Sorted union, returning `current` itself when nothing is new (the common case). Each new item is
 * put in its place with toSpliced, which sizes the array exactly (a spread reserves room for 19),
 * as it is kept per customer.
 */
export function unionSorted(current: string[], more: readonly string[]): string[] {
  let union = current;
  for (const item of more) {
    if (current.includes(item)) continue;
    const at = union.findIndex((existing) => existing > item);
    union = union.toSpliced(at < 0 ? union.length : at, 0, item);
  }
  return union;
}

/** The later of two timed answers; ties go to the larger value so the choice never depends on order. */
export function laterAnswer(
  current: { value: number | null; at: number | null },
  candidate: { value: number | null; at: number | null },
): { value: number | null; at: number | null } {
  if (candidate.value === null || candidate.at === null) return current;
  if (current.value === null || current.at === null) return candidate;
  if (candidate.at !== current.at) return candidate.at > current.at ? candidate : current;
  return candidate.value > current.value ? candidate : current;
}

const serviceContactTypes: ReadonlySet<TouchpointType> = new Set([
  "service_request",
  "service_resolved",
  "complaint",
  "call",
]);

/**
 * Folds one touchpoint into the customer's profile. Pure and idempotent: applying a touchpoint
 * whose id the profile has seen (by its hash) returns the profile unchanged. `identifiers` are the touchpoint's
 * identifier keys, if the caller has them already (the enricher shares them with the identity graph).
 * Builds the new profile in one object: this runs for every touchpoint.
 */
export function applyTouchpoint(
  current: CustomerProfile | undefined,
  customerId: string,
  touchpoint: Touchpoint,
  identifiers: readonly string[] = identifierKeys(touchpoint.identifiers),
): CustomerProfile {
  const profile = current ?? emptyProfile(customerId);
  const eventHash = eventIdHash(touchpoint.eventId);
  if (profile.recentEventHashes.includes(eventHash)) return profile;
  const { occurredAt: at, type, experience, sentiment } = touchpoint;
  const amount = touchpoint.amount && (type === "purchase" || type === "return") ? touchpoint.amount : null;
  const purchase = amount !== null && type === "purchase";
  const purchaseDays = purchase
    ? addPurchaseDay(profile.purchaseDays, Math.floor(at / dayMs), amount.minor)
    : profile.purchaseDays;
  const complaint = type === "complaint";
  const serviceContact = serviceContactTypes.has(type);
  const nps =
    experience.nps === null
      ? null
      : laterAnswer({ value: profile.lastNps, at: profile.lastNpsAt }, { value: experience.nps, at });
  const referral = type === "referral" ? touchpoint.referral : null;
  return {
    customerId: profile.customerId,
    identifiers: unionSorted(profile.identifiers, identifiers),
    channelActivity: touchChannel(profile.channelActivity, touchpoint.channel, at),
    purchaseDays,
    grossPurchasesMinor: amount
      ? profile.grossPurchasesMinor + Math.max(amount.minor, 0)
      : profile.grossPurchasesMinor,
    returnsMinor: amount ? profile.returnsMinor + Math.max(-amount.minor, 0) : profile.returnsMinor,
    discountMinor: amount ? profile.discountMinor + amount.discountMinor : profile.discountMinor,
    marginMinor: amount ? profile.marginMinor + (amount.marginMinor ?? 0) : profile.marginMinor,
    purchaseCount: purchase ? profile.purchaseCount + 1 : profile.purchaseCount,
    returnCount: amount && type === "return" ? profile.returnCount + 1 : profile.returnCount,
    paymentFailures: type === "payment_failed" ? profile.paymentFailures + 1 : profile.paymentFailures,
    complaints: complaint ? profile.complaints + 1 : profile.complaints,
    lastComplaintAt: complaint ? Math.max(profile.lastComplaintAt ?? at, at) : profile.lastComplaintAt,
    service: addService(
      profile.service,
      serviceOfTouchpoint(
        serviceContact,
        experience.resolved === true,
        experience.waitSeconds,
        experience.handleSeconds,
      ),
    ),
    sentiment: sentiment === null ? profile.sentiment : addSentiment(profile.sentiment, sentiment, at),
    lastNps: nps ? nps.value : profile.lastNps,
    lastNpsAt: nps ? nps.at : profile.lastNpsAt,
    referralsMade: referral ? profile.referralsMade + 1 : profile.referralsMade,
    referralsConverted:
      referral?.converted === true ? profile.referralsConverted + 1 : profile.referralsConverted,
    socialReach: touchpoint.social
      ? Math.max(profile.socialReach, touchpoint.social.reach)
      : profile.socialReach,
    reviews: type === "review" ? profile.reviews + 1 : profile.reviews,
    recentEventHashes: rememberEvent(profile.recentEventHashes, eventHash),
  };
}
