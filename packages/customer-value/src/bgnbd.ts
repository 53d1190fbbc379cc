import { hypergeometric2F1, lnGamma, logAddExp } from "./special-functions";

/**
 * BG/NBD (Fader, Hardie & Lee 2005): while alive a customer buys as a Poisson process with rate
 * λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 * Time is in weeks throughout.
 */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** A customer's purchase history: x repeat purchases, the last at t_x, observed for T since the first. */
export interface PurchaseHistory {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

/** The log-likelihood of one customer's history (the paper's equation 6). */
export function bgnbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseHistory): number {
  const common =
    lnGamma(r + x) -
    lnGamma(r) +
    r * Math.log(alpha) +
    lnGamma(a + b) +
    lnGamma(b + x) -
    lnGamma(b) -
    lnGamma(a + b + x);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  const droppedAfterLast =
    x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return common + logAddExp(stillAlive, droppedAfterLast);
}

/** The odds, given the history, that the customer dropped out right after their last purchase. */
export function dropoutOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: PurchaseHistory): number {
  if (x === 0) return 0;
  return (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x);
}

/** P(alive | history): 1 for a customer with no repeat purchase yet (they cannot have dropped out). */
export function probabilityAlive(params: BgNbdParams, history: PurchaseHistory): number {
  return 1 / (1 + dropoutOdds(params, history));
}

/**
 * Equation 10 without its P(alive) divisor: the purchases expected in the next `weeks` from a
 * customer sure to be alive. It depends on x and T but not on t_x, so customers with the same
 * count and age share it (ValueForecaster remembers it).
 */
export function expectedPurchasesIfAlive(params: BgNbdParams, x: number, T: number, weeks: number): number {
  const { r, alpha, b } = params;
  // At a = 1 the formula is 0/0; its limit is what a hair away gives.
  const a = params.a === 1 ? 1 + 1e-9 : params.a;
  if (weeks <= 0) return 0;
  const z = weeks / (alpha + T + weeks);
  const remaining =
    1 - ((alpha + T) / (alpha + T + weeks)) ** (r + x) * hypergeometric2F1(r + x, b + x, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * remaining;
}

/** Expected number of purchases in the next `weeks` given the history (the paper's equation 10). */
export function expectedPurchases(params: BgNbdParams, history: PurchaseHistory, weeks: number): number {
  if (weeks <= 0) return 0;
  return expectedPurchasesIfAlive(params, history.x, history.T, weeks) / (1 + dropoutOdds(params, history));
}
