import type { PurchaseHistory } from "@cx/customer-value";
import type { CustomerProfile } from "./profile";
import { purchaseDay, purchaseDayCount, repeatAmounts } from "./purchase-days";
import { sentimentMeans } from "./sentiment-sums";
import { serviceFields } from "./service-sums";

export type NpsClass = "promoter" | "passive" | "detractor";

/** Traits computed from a profile at a moment; nothing here is stored, so nothing can go stale. */
export interface Traits {
  readonly recencyDays: number | null;
  readonly purchaseDays: number;
  readonly netRevenueMinor: number;
  readonly averageOrderMinor: number | null;
  readonly returnRate: number;
  readonly discountShare: number;
  readonly meanDaysBetweenPurchases: number | null;
  readonly averageWaitSeconds: number | null;
  readonly averageHandleSeconds: number | null;
  readonly resolutionRate: number | null;
  readonly averageSentiment: number | null;
  /** Mean sentiment with weights halving monthly before the latest sample. */
  readonly recentSentiment: number | null;
  /** Recent sentiment minus long-run sentiment: negative means things are getting worse. */
  readonly sentimentTrend: number | null;
  readonly npsClass: NpsClass | null;
  /** The model's view: repeat purchase days, weeks from first to last and to now. */
  readonly history: PurchaseHistory | null;
  /** Mean value of repeat purchase days in major units (the spend model's input); 0 without repeats. */
  readonly meanRepeatSpend: number;
  readonly complaints: number;
  readonly lastComplaintAt: number | null;
  readonly paymentFailures: number;
  readonly referralsMade: number;
  readonly referralsConverted: number;
  readonly socialReach: number;
}

const dayMs = 24 * 60 * 60 * 1000;
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const average = (total: number, samples: number) => (samples > 0 ? total / samples : null);

export function npsClass(score: number): NpsClass {
  return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

export function deriveTraits(profile: CustomerProfile, now: number): Traits {
  const today = Math.floor(now / dayMs);
  const days = profile.purchaseDays;
  const count = purchaseDayCount(days);
  const first = purchaseDay(days, 0);
  const last = purchaseDay(days, -1);
  const repeats = repeatAmounts(days);
  const { average: averageSentiment, recent: recentSentiment } = sentimentMeans(profile.sentiment);
  const service = serviceFields(profile.service);
  return {
    recencyDays: last === undefined ? null : today - last,
    purchaseDays: count,
    netRevenueMinor: profile.grossPurchasesMinor - profile.returnsMinor,
    averageOrderMinor: profile.purchaseCount > 0 ? profile.grossPurchasesMinor / profile.purchaseCount : null,
    returnRate: ratio(profile.returnsMinor, profile.grossPurchasesMinor),
    discountShare: ratio(profile.discountMinor, profile.grossPurchasesMinor + profile.discountMinor),
    meanDaysBetweenPurchases:
      first !== undefined && last !== undefined && count > 1 ? (last - first) / (count - 1) : null,
    averageWaitSeconds: average(service.waitSecondsTotal, service.waitSamples),
    averageHandleSeconds: average(service.handleSecondsTotal, service.handleSamples),
    resolutionRate: service.serviceContacts > 0 ? service.resolvedContacts / service.serviceContacts : null,
    averageSentiment,
    recentSentiment,
    sentimentTrend:
      averageSentiment === null || recentSentiment === null ? null : recentSentiment - averageSentiment,
    npsClass: profile.lastNps === null ? null : npsClass(profile.lastNps),
    history:
      first === undefined || last === undefined
        ? null
        : { x: count - 1, tx: (last - first) / 7, T: Math.max(today - first, last - first) / 7 },
    meanRepeatSpend:
      repeats.length === 0 ? 0 : repeats.reduce((sum, amount) => sum + amount, 0) / repeats.length / 100,
    complaints: profile.complaints,
    lastComplaintAt: profile.lastComplaintAt,
    paymentFailures: profile.paymentFailures,
    referralsMade: profile.referralsMade,
    referralsConverted: profile.referralsConverted,
    socialReach: profile.socialReach,
  };
}
