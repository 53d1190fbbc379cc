import {
  type BgNbdParams,
  type GammaGammaParams,
  type LifetimeValueOptions,
  ValueForecaster,
} from "@cx/customer-value";
import type { CustomerProfile } from "./profile";
import { serviceFields } from "./service-sums";
import type { Traits } from "./traits";

export interface ValueModels {
  readonly bgnbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams;
  /** Horizon and discounting of the predicted value; one year at 10 % a year unless configured. */
  readonly valuation?: LifetimeValueOptions;
}

export const defaultValuation: LifetimeValueOptions = { horizonWeeks: 52, yearlyDiscountRate: 0.1 };

/** What indirect influence is worth, in minor units; configuration, documented in the README. */
export interface IndirectValueWeights {
  readonly perConvertedReferralMinor: number;
  readonly promoterMinor: number;
  /** Per tenfold of social reach: log10(1 + reach) × this. */
  readonly perReachDecadeMinor: number;
  readonly perReviewMinor: number;
}

export const defaultIndirectValueWeights: IndirectValueWeights = {
  perConvertedReferralMinor: 5000,
  promoterMinor: 2000,
  perReachDecadeMinor: 500,
  perReviewMinor: 300,
};

export type CostFlag = "heavy_returner" | "bargain_hunter" | "bad_payer" | "costly_service";

export interface CustomerValue {
  /** Net revenue to date: purchases minus returns and refunds. */
  readonly currentValueMinor: number;
  readonly marginMinor: number;
  readonly probabilityAlive: number | null;
  readonly expectedPurchasesNextYear: number | null;
  /** Discounted expected value of purchases over the valuation horizon (BG/NBD × Gamma-Gamma). */
  readonly predictedValueMinor: number | null;
  readonly indirectValueMinor: number;
  readonly costFlags: CostFlag[];
  /** The customer costs more than they bring: offers must not reward them. */
  readonly negative: boolean;
}

function costFlags(profile: CustomerProfile, traits: Traits): CostFlag[] {
  const flags: CostFlag[] = [];
  if (profile.returnCount >= 2 && traits.returnRate > 0.4) flags.push("heavy_returner");
  if (profile.purchaseCount >= 3 && traits.discountShare > 0.5) flags.push("bargain_hunter");
  if (profile.paymentFailures >= 2) flags.push("bad_payer");
  if (serviceFields(profile.service).serviceContacts >= 6 && profile.complaints >= 3)
    flags.push("costly_service");
  return flags;
}

/** One forecaster per fitted model, so what it remembers serves every customer valued with it. */
const forecasters = new WeakMap<ValueModels, ValueForecaster>();

function forecasterOf(models: ValueModels): ValueForecaster {
  let forecaster = forecasters.get(models);
  if (!forecaster) {
    forecaster = new ValueForecaster(models, models.valuation ?? defaultValuation);
    forecasters.set(models, forecaster);
  }
  return forecaster;
}

/** Extreme histories can overflow the special functions; a number that is not finite says nothing. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * Value now, predicted and indirect. Indirect value = converted referrals × perConvertedReferral +
 * (promoter ? promoter : 0) + log10(1 + reach) × perReachDecade + reviews × perReview.
 */
export function assessValue(
  profile: CustomerProfile,
  traits: Traits,
  models: ValueModels | undefined,
  weights: IndirectValueWeights = defaultIndirectValueWeights,
): CustomerValue {
  const history = traits.history;
  const forecast = models && history ? forecasterOf(models).forecast(history, traits.meanRepeatSpend) : null;
  const indirectValueMinor = Math.round(
    profile.referralsConverted * weights.perConvertedReferralMinor +
      (traits.npsClass === "promoter" ? weights.promoterMinor : 0) +
      Math.log10(1 + profile.socialReach) * weights.perReachDecadeMinor +
      profile.reviews * weights.perReviewMinor,
  );
  const flags = costFlags(profile, traits);
  return {
    currentValueMinor: traits.netRevenueMinor,
    marginMinor: profile.marginMinor,
    probabilityAlive: forecast && finiteOrNull(forecast.probabilityAlive),
    expectedPurchasesNextYear: forecast && finiteOrNull(forecast.expectedPurchasesNextYear),
    predictedValueMinor: forecast && finiteOrNull(Math.round(forecast.predictedValue * 100)),
    indirectValueMinor,
    costFlags: flags,
    negative: traits.netRevenueMinor < 0 || profile.marginMinor < 0 || flags.length >= 2,
  };
}

export type ValueTier = "top" | "middle" | "low" | "negative";

/** What the 20/80 tier ranks customers by: predicted (or, without models, current) plus indirect value. */
export function rankingValue(value: CustomerValue): number {
  return (value.predictedValueMinor ?? value.currentValueMinor) + value.indirectValueMinor;
}

/**
 * The 20/80 tier: top when the customer's total value (predicted + indirect) is at or above the
 * population's 80th percentile, low below the 40th. The enricher keeps the percentiles current.
 */
export function valueTier(value: CustomerValue, percentiles: { p40: number; p80: number }): ValueTier {
  if (value.negative) return "negative";
  const total = rankingValue(value);
  return total >= percentiles.p80 ? "top" : total < percentiles.p40 ? "low" : "middle";
}
