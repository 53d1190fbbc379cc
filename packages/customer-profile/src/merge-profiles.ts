import { laterAnswer, unionSorted } from "./apply-touchpoint";
import { mergeChannelActivity } from "./channel-activity";
import type { CustomerProfile } from "./profile";
import { mergePurchaseDays } from "./purchase-days";
import { unionRecentEvents } from "./recent-events";
import { mergeSentiment } from "./sentiment-sums";
import { addService } from "./service-sums";

const npsOf = (answer: { value: number | null; at: number | null }) => ({
  lastNps: answer.value,
  lastNpsAt: answer.at,
});

/**
 * One profile for two customers found to be one person, equal to the profile of one customer who
 * made all their touchpoints: counts and sums add up, purchase days unite (a day both bought on
 * counts once), times take the extremes, the latest NPS answer is the one given last.
 */
export function mergeProfiles(survivor: CustomerProfile, merged: CustomerProfile): CustomerProfile {
  const sum = (key: keyof CustomerProfile) => (survivor[key] as number) + (merged[key] as number);
  return {
    customerId: survivor.customerId,
    identifiers: unionSorted(survivor.identifiers, merged.identifiers),
    channelActivity: mergeChannelActivity(survivor.channelActivity, merged.channelActivity),
    purchaseDays: mergePurchaseDays(survivor.purchaseDays, merged.purchaseDays),
    grossPurchasesMinor: sum("grossPurchasesMinor"),
    returnsMinor: sum("returnsMinor"),
    discountMinor: sum("discountMinor"),
    marginMinor: sum("marginMinor"),
    purchaseCount: sum("purchaseCount"),
    returnCount: sum("returnCount"),
    paymentFailures: sum("paymentFailures"),
    complaints: sum("complaints"),
    lastComplaintAt:
      survivor.lastComplaintAt === null || merged.lastComplaintAt === null
        ? (survivor.lastComplaintAt ?? merged.lastComplaintAt)
        : Math.max(survivor.lastComplaintAt, merged.lastComplaintAt),
    service: addService(survivor.service, merged.service),
    sentiment: mergeSentiment(survivor.sentiment, merged.sentiment),
    ...npsOf(
      laterAnswer(
        { value: survivor.lastNps, at: survivor.lastNpsAt },
        { value: merged.lastNps, at: merged.lastNpsAt },
      ),
    ),
    referralsMade: sum("referralsMade"),
    referralsConverted: sum("referralsConverted"),
    socialReach: Math.max(survivor.socialReach, merged.socialReach),
    reviews: sum("reviews"),
    recentEventHashes: unionRecentEvents(survivor.recentEventHashes, merged.recentEventHashes),
  };
}
