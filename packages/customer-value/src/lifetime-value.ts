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

/** The horizon cut into periods: where each ends (weeks from now) and what it is discounted by. */
export interface ValuationSchedule {
  readonly periodEnds: readonly number[];
  readonly discountDivisors: readonly number[];
}

export function valuationSchedule({
  horizonWeeks,
  periodWeeks = 4.345,
  yearlyDiscountRate = 0.1,
}: LifetimeValueOptions): ValuationSchedule {
  const discountPerPeriod = (1 + yearlyDiscountRate) ** (periodWeeks / 52) - 1;
  const periodEnds: number[] = [];
  const discountDivisors: number[] = [];
  for (let period = 1; (period - 1) * periodWeeks < horizonWeeks; period++) {
    periodEnds.push(Math.min(period * periodWeeks, horizonWeeks));
    discountDivisors.push((1 + discountPerPeriod) ** period);
  }
  return { periodEnds, discountDivisors };
}

/**
 * Per period, the purchases expected in it times the spend per purchase, discounted to today.
 * `purchasesBy(i)` is the purchases expected by the end of period i.
 */
export function discountedValue(
  schedule: ValuationSchedule,
  spend: number,
  purchasesBy: (period: number) => number,
): number {
  let value = 0;
  let purchasesSoFar = 0;
  for (let i = 0; i < schedule.periodEnds.length; i++) {
    const purchasesByEnd = purchasesBy(i);
    value += ((purchasesByEnd - purchasesSoFar) * spend) / (schedule.discountDivisors[i] as number);
    purchasesSoFar = purchasesByEnd;
  }
  return value;
}

/**
 * Expected value of the customer's future purchases over the horizon: per period, the expected
 * number of purchases in it times the expected spend per purchase, discounted to today.
 */
export function predictedLifetimeValue(
  models: { readonly bgnbd: BgNbdParams; readonly gammaGamma: GammaGammaParams },
  customer: PurchaseHistory & { readonly meanSpend: number },
  options: LifetimeValueOptions,
): number {
  const schedule = valuationSchedule(options);
  const spend = expectedSpend(models.gammaGamma, { x: customer.x, meanSpend: customer.meanSpend });
  return discountedValue(schedule, spend, (period) =>
    expectedPurchases(models.bgnbd, customer, schedule.periodEnds[period] as number),
  );
}
