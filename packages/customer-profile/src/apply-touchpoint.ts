import { identifierKeys, type Touchpoint } from "@cx/contracts";
import { type CustomerProfile, emptyProfile } from "./profile";
import { addSample } from "./recent-mean";

/**
 * How many touchpoint ids a profile remembers. Redelivery after a crash replays only what came
 * after the last commit, a few hundred records at most per customer, so this bounds both memory
 * and the window in which a duplicate could slip through.
 */
export const rememberedEventIds = 256;
const dayMs = 24 * 60 * 60 * 1000;

/** Sorted union, returning `current` itself when nothing is new (the common case). */
export function unionSorted(current: string[], more: readonly string[]): string[] {
  const missing = more.filter((item) => !current.includes(item));
  return missing.length === 0 ? current : [...current, ...missing].sort();
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

/** Adds a purchase day's amount, keeping days distinct and ascending (touchpoints can arrive late). */
function addPurchaseDay(
  days: number[],
  amounts: number[],
  day: number,
  amount: number,
): [number[], number[]] {
  const index = days.findIndex((existing) => existing >= day);
  if (days[index] === day) return [days, amounts.map((value, i) => (i === index ? value + amount : value))];
  const at = index < 0 ? days.length : index;
  return [
    [...days.slice(0, at), day, ...days.slice(at)],
    [...amounts.slice(0, at), amount, ...amounts.slice(at)],
  ];
}

/**
 * Folds one touchpoint into the customer's profile. Pure and idempotent: applying a touchpoint
 * whose id the profile has seen returns the profile unchanged.
 */
export function applyTouchpoint(
  current: CustomerProfile | undefined,
  customerId: string,
  touchpoint: Touchpoint,
): CustomerProfile {
  const profile = current ?? emptyProfile(customerId, touchpoint.occurredAt);
  if (profile.recentEventIds.includes(touchpoint.eventId)) return profile;
  const { occurredAt: at, channel, type, amount, experience } = touchpoint;
  const previousChannel = profile.channels[channel];
  let next: CustomerProfile = {
    ...profile,
    identifiers: unionSorted(profile.identifiers, identifierKeys(touchpoint.identifiers)),
    firstSeenAt: Math.min(profile.firstSeenAt, at),
    lastSeenAt: Math.max(profile.lastSeenAt, at),
    channels: {
      ...profile.channels,
      [channel]: {
        firstAt: Math.min(previousChannel?.firstAt ?? at, at),
        lastAt: Math.max(previousChannel?.lastAt ?? at, at),
        touchpoints: (previousChannel?.touchpoints ?? 0) + 1,
      },
    },
    recentEventIds: [...profile.recentEventIds, touchpoint.eventId].slice(-rememberedEventIds),
  };

  if (amount && (type === "purchase" || type === "return")) {
    const day = Math.floor(at / dayMs);
    const [purchaseDays, purchaseDayAmounts] =
      type === "purchase"
        ? addPurchaseDay(next.purchaseDays, next.purchaseDayAmounts, day, amount.minor)
        : [next.purchaseDays, next.purchaseDayAmounts];
    next = {
      ...next,
      purchaseDays,
      purchaseDayAmounts,
      grossPurchasesMinor: next.grossPurchasesMinor + Math.max(amount.minor, 0),
      returnsMinor: next.returnsMinor + Math.max(-amount.minor, 0),
      discountMinor: next.discountMinor + amount.discountMinor,
      marginMinor: next.marginMinor + (amount.marginMinor ?? 0),
      purchaseCount: next.purchaseCount + (type === "purchase" ? 1 : 0),
      returnCount: next.returnCount + (type === "return" ? 1 : 0),
    };
  }
  if (type === "payment_failed") next = { ...next, paymentFailures: next.paymentFailures + 1 };
  if (type === "complaint")
    next = {
      ...next,
      complaints: next.complaints + 1,
      lastComplaintAt: Math.max(next.lastComplaintAt ?? at, at),
    };
  if (type === "service_request" || type === "service_resolved" || type === "complaint" || type === "call") {
    next = {
      ...next,
      serviceContacts: next.serviceContacts + 1,
      resolvedContacts: next.resolvedContacts + (experience.resolved ? 1 : 0),
    };
  }
  if (experience.waitSeconds !== null) {
    next = {
      ...next,
      waitSecondsTotal: next.waitSecondsTotal + experience.waitSeconds,
      waitSamples: next.waitSamples + 1,
    };
  }
  if (experience.handleSeconds !== null) {
    next = {
      ...next,
      handleSecondsTotal: next.handleSecondsTotal + experience.handleSeconds,
      handleSamples: next.handleSamples + 1,
    };
  }
  if (touchpoint.sentiment !== null) {
    next = {
      ...next,
      sentimentSum: next.sentimentSum + touchpoint.sentiment,
      sentimentSamples: next.sentimentSamples + 1,
      recentSentiment: addSample(next.recentSentiment, touchpoint.sentiment, at),
    };
  }
  if (experience.nps !== null) {
    const latest = laterAnswer({ value: next.lastNps, at: next.lastNpsAt }, { value: experience.nps, at });
    next = { ...next, lastNps: latest.value, lastNpsAt: latest.at };
  }
  if (type === "referral" && touchpoint.referral) {
    next = {
      ...next,
      referralsMade: next.referralsMade + 1,
      referralsConverted: next.referralsConverted + (touchpoint.referral.converted ? 1 : 0),
    };
  }
  if (touchpoint.social) next = { ...next, socialReach: Math.max(next.socialReach, touchpoint.social.reach) };
  if (type === "review") next = { ...next, reviews: next.reviews + 1 };
  return next;
}
