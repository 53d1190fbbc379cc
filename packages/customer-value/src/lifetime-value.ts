import { type BgNbdParams, expectedPurchases, type PurchaseHistory } from "./bgnbd";
import { expectedSpend, type GammaGammaParams } from "./gamma-gamma";

export interface LifetimeValueOptions {
  /** How far ahead, in weeks (52 = one year). */
  readonly horizonWeeks: number;
  /** Cash flows are discounted per period of this many weeks (about a month by default). */
  readonly periodWeeks?: number;
  /** Yearly discount rate, e.g. 0.1 for 10 %. */
  readonly yearlyDiscountRate?: number;
}

/**
 * Expected value of the customer's future purchases over the horizon: per period, the expected
 * number of purchases in it times the expected spend per purchase, discounted to today.
 */
export function predictedLifetimeValue(
  models: { readonly bgnbd: BgNbdParams; readonly gammaGamma: GammaGammaParams },
  customer: PurchaseHistory & { readonly meanSpend: number },
  { horizonWeeks, periodWeeks = 4.345, yearlyDiscountRate = 0.1 }: LifetimeValueOptions,
): number {
  const spend = expectedSpend(models.gammaGamma, { x: customer.x, meanSpend: customer.meanSpend });
  const discountPerPeriod = (1 + yearlyDiscountRate) ** (periodWeeks / 52) - 1;
  let value = 0;
  let purchasesSoFar = 0;
  for (let period = 1; (period - 1) * periodWeeks < horizonWeeks; period++) {
    const end = Math.min(period * periodWeeks, horizonWeeks);
    const purchasesByEnd = expectedPurchases(models.bgnbd, customer, end);
    value += ((purchasesByEnd - purchasesSoFar) * spend) / (1 + discountPerPeriod) ** period;
    purchasesSoFar = purchasesByEnd;
  }
  return value;
}
