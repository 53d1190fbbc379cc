import { beta, exponential, gamma, seededRandom } from "@cx/random";
import type { BgNbdParams } from "./bgnbd";
import type { GammaGammaParams } from "./gamma-gamma";

export interface PurchaseLogOptions {
  readonly customers: number;
  readonly seed: number;
  /** The stories the purchases are drawn from: BG/NBD for when, Gamma-Gamma for how much. */
  readonly bgnbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams;
  /** When the log starts (ms since the epoch, UTC); first purchases fall in the weeks after. */
  readonly startAt: number;
  readonly firstPurchaseWithinWeeks: number;
  /** No purchase is drawn at or after this many weeks from the start. */
  readonly untilWeek: number;
  /** "days" writes occurred_at as YYYY-MM-DD (as CDNOW's log), "timestamps" as ISO instants. */
  readonly dates: "days" | "timestamps";
}

const weekMs = 7 * 24 * 60 * 60 * 1000;

/**
 * A seeded purchase log in the `cx clv fit` CSV format (header first, then one line per purchase),
 * drawn customer by customer from the models' own stories, so a fit should recover the parameters.
 * A generator, so a million customers can go to a file without holding the text.
 */
export function* simulatePurchaseLog(options: PurchaseLogOptions): Generator<string> {
  const { r, alpha, a, b } = options.bgnbd;
  const { p, q, v } = options.gammaGamma;
  const random = seededRandom(options.seed);
  const formatDate = (instant: string) => (options.dates === "days" ? instant.slice(0, 10) : instant);
  yield "customer_id,occurred_at,amount";
  for (let id = 0; id < options.customers; id++) {
    const rate = gamma(random, r, alpha);
    const dropout = beta(random, a, b);
    const spendRate = gamma(random, q, v);
    const purchase = (week: number) =>
      `c${id},${formatDate(new Date(options.startAt + week * weekMs).toISOString())},${gamma(random, p, spendRate).toFixed(2)}`;
    const first = random() * options.firstPurchaseWithinWeeks;
    yield purchase(first);
    // Dropout happens only after repeat purchases, as in BG/NBD.
    for (
      let week = first + exponential(random, rate);
      week < options.untilWeek;
      week += exponential(random, rate)
    ) {
      yield purchase(week);
      if (random() < dropout) break;
    }
  }
}
