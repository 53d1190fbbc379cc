import type { SpendHistory } from "./gamma-gamma";
import { countsPerLevel, levels, type Objective } from "./objective";
import { digamma, lnGamma } from "./special-functions";

/**
 * The Gamma-Gamma negative log-likelihood per customer over log-parameters (log p, log q, log v),
 * with its analytic gradient, as `gammaGammaLogLikelihood` summed over customers with x > 0 and a
 * positive mean spend. The Gamma-function terms depend on x alone (once per distinct x) and the
 * terms in log m are sums fixed by the data; only log(x·m + v) is left per customer.
 */
export function gammaGammaObjective(customers: readonly SpendHistory[]): Objective {
  const total = customers.length;
  const x = Float64Array.from(customers, (customer) => customer.x);
  const totalSpend = Float64Array.from(customers, (customer) => customer.x * customer.meanSpend);
  const xLevels = levels(x);
  const customersWithX = countsPerLevel(xLevels, new Float64Array(total).fill(1));
  let sumLogMeanSpend = 0;
  let sumXLogMeanSpend = 0;
  for (const { x, meanSpend } of customers) {
    sumLogMeanSpend += Math.log(meanSpend);
    sumXLogMeanSpend += x * Math.log(meanSpend);
  }

  return (point) => {
    const [p, q, v] = point.map(Math.exp) as [number, number, number];
    const logV = Math.log(v);
    const lnGammaQ = lnGamma(q);
    const digammaQ = digamma(q);
    // Σ (p·x − 1)·log m, and its derivative in p.
    let logLikelihood = p * sumXLogMeanSpend - sumLogMeanSpend;
    let dP = sumXLogMeanSpend;
    let dQ = 0;
    let dV = 0;
    for (let level = 0; level < xLevels.values.length; level++) {
      const xValue = xLevels.values[level] as number;
      const customersHere = customersWithX[level] as number;
      const px = p * xValue;
      const logX = Math.log(xValue);
      const digammaPXQ = digamma(px + q);
      logLikelihood += customersHere * (lnGamma(px + q) - lnGamma(px) - lnGammaQ + q * logV + px * logX);
      dP += customersHere * xValue * (digammaPXQ - digamma(px) + logX);
      dQ += customersHere * (digammaPXQ - digammaQ + logV);
      dV += (customersHere * q) / v;
    }
    for (let customer = 0; customer < total; customer++) {
      const xValue = x[customer] as number;
      const spendPlusV = (totalSpend[customer] as number) + v;
      const logSpendPlusV = Math.log(spendPlusV);
      const shape = p * xValue + q;
      logLikelihood -= shape * logSpendPlusV;
      dP -= xValue * logSpendPlusV;
      dQ -= logSpendPlusV;
      dV -= shape / spendPlusV;
    }
    return {
      value: -logLikelihood / total,
      gradient: [(-p * dP) / total, (-q * dQ) / total, (-v * dV) / total],
    };
  };
}
