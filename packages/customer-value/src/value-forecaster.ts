import { type BgNbdParams, dropoutOdds, expectedPurchasesIfAlive, type PurchaseHistory } from "./bgnbd";
import { expectedSpend, type GammaGammaParams } from "./gamma-gamma";
import {
  discountedValue,
  type LifetimeValueOptions,
  type ValuationSchedule,
  valuationSchedule,
} from "./lifetime-value";

export interface ValueForecast {
  readonly probabilityAlive: number;
  readonly expectedPurchasesNextYear: number;
  /** predictedLifetimeValue, in the spend's units. */
  readonly predictedValue: number;
}

const yearWeeks = 52;
/** Past this many remembered (x, T) pairs the memory starts again; a few years of daily ages fit. */
const rememberedHistories = 50_000;

/**
 * probabilityAlive, expectedPurchases over a year and predictedLifetimeValue of many customers under
 * one fitted model, equal to the last bit to calling those functions. The hypergeometric term,
 * most of their cost, depends only on a customer's repeat purchases x and age T (weeks, in whole
 * days), which many customers share and one customer keeps between purchases for a day; so it is
 * computed once per (x, T) and remembered.
 */
export class ValueForecaster {
  private readonly schedule: ValuationSchedule;
  /** x → T → purchases if alive by each period end, then by a year. */
  private readonly ifAliveByHistory = new Map<number, Map<number, Float64Array>>();
  private remembered = 0;

  constructor(
    private readonly models: { readonly bgnbd: BgNbdParams; readonly gammaGamma: GammaGammaParams },
    valuation: LifetimeValueOptions,
  ) {
    this.schedule = valuationSchedule(valuation);
  }

  forecast(history: PurchaseHistory, meanSpend: number): ValueForecast {
    const ifAlive = this.purchasesIfAlive(history.x, history.T);
    const aliveDivisor = 1 + dropoutOdds(this.models.bgnbd, history);
    const spend = expectedSpend(this.models.gammaGamma, { x: history.x, meanSpend });
    return {
      probabilityAlive: 1 / aliveDivisor,
      expectedPurchasesNextYear: (ifAlive[this.schedule.periodEnds.length] as number) / aliveDivisor,
      predictedValue: discountedValue(
        this.schedule,
        spend,
        (period) => (ifAlive[period] as number) / aliveDivisor,
      ),
    };
  }

  private purchasesIfAlive(x: number, T: number): Float64Array {
    let byAge = this.ifAliveByHistory.get(x);
    const known = byAge?.get(T);
    if (known) return known;
    if (this.remembered >= rememberedHistories) {
      this.ifAliveByHistory.clear();
      this.remembered = 0;
      byAge = undefined;
    }
    if (!byAge) {
      byAge = new Map();
      this.ifAliveByHistory.set(x, byAge);
    }
    const { periodEnds } = this.schedule;
    const ifAlive = new Float64Array(periodEnds.length + 1);
    for (const [period, end] of periodEnds.entries())
      ifAlive[period] = expectedPurchasesIfAlive(this.models.bgnbd, x, T, end);
    ifAlive[periodEnds.length] = expectedPurchasesIfAlive(this.models.bgnbd, x, T, yearWeeks);
    byAge.set(T, ifAlive);
    this.remembered++;
    return ifAlive;
  }
}
