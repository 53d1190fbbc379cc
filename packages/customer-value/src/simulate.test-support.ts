import { beta, exponential, gamma, seededRandom } from "@cx/random";
import type { BgNbdParams, PurchaseHistory } from "./bgnbd";
import type { GammaGammaParams, SpendHistory } from "./gamma-gamma";

/** Customers drawn from the BG/NBD story itself, each observed for 26 to 52 weeks. */
export function simulateBgNbd(
  { r, alpha, a, b }: BgNbdParams,
  count: number,
  seed: number,
): PurchaseHistory[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const rate = gamma(random, r, alpha);
    const dropout = beta(random, a, b);
    const T = 26 + random() * 26;
    let x = 0;
    let tx = 0;
    for (let t = exponential(random, rate); t <= T; t += exponential(random, rate)) {
      x++;
      tx = t;
      if (random() < dropout) break;
    }
    return { x, tx, T };
  });
}

/** Customers with 1 to 10 repeat transactions whose values follow the Gamma-Gamma story. */
export function simulateGammaGamma(
  { p, q, v }: GammaGammaParams,
  count: number,
  seed: number,
): SpendHistory[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const scale = gamma(random, q, v);
    const x = 1 + Math.floor(random() * 10);
    let total = 0;
    for (let i = 0; i < x; i++) total += gamma(random, p, scale);
    return { x, meanSpend: total / x };
  });
}
