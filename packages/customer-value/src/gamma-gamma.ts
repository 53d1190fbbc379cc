import { lnGamma } from "./special-functions";

/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005; Colombo & Jiang 1999): each transaction's
 * value is Gamma(p, ν) around the customer's own mean, with ν ~ Gamma(q, v) across customers.
 * It assumes spend is independent of purchase frequency.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** x repeat transactions with mean value meanSpend (> 0). */
export interface SpendHistory {
  readonly x: number;
  readonly meanSpend: number;
}

export function gammaGammaLogLikelihood(
  { p, q, v }: GammaGammaParams,
  { x, meanSpend: m }: SpendHistory,
): number {
  return (
    lnGamma(p * x + q) -
    lnGamma(p * x) -
    lnGamma(q) +
    q * Math.log(v) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(x * m + v)
  );
}

/**
 * Expected value of the customer's next transactions: their own mean, shrunk towards the population
 * mean p·v/(q−1) the fewer transactions there are. With x = 0 it is the population mean.
 */
export function expectedSpend({ p, q, v }: GammaGammaParams, { x, meanSpend }: SpendHistory): number {
  if (q <= 1) return Number.POSITIVE_INFINITY;
  return (p * (v + x * meanSpend)) / (p * x + q - 1);
}
