import type { PurchaseHistory } from "./bgnbd";
import { countsPerLevel, levels, type Objective } from "./objective";
import { digamma, lnGamma } from "./special-functions";

interface GroupedHistories {
  readonly x: number[];
  readonly tx: number[];
  readonly T: number[];
  /** How many customers have this very history. */
  readonly count: number[];
}

/** Customers with the same (x, t_x, T) add the same term: one group each, however many share it. */
function groupHistories(customers: readonly PurchaseHistory[]): GroupedHistories {
  const groups: GroupedHistories = { x: [], tx: [], T: [], count: [] };
  const groupOf = new Map<number, Map<number, Map<number, number>>>();
  for (const { x, tx, T } of customers) {
    const byTx = groupOf.get(T) ?? new Map<number, Map<number, number>>();
    if (byTx.size === 0) groupOf.set(T, byTx);
    const byX = byTx.get(tx) ?? new Map<number, number>();
    if (byX.size === 0) byTx.set(tx, byX);
    const group = byX.get(x);
    if (group === undefined) {
      byX.set(x, groups.count.length);
      groups.x.push(x);
      groups.tx.push(tx);
      groups.T.push(T);
      groups.count.push(1);
    } else groups.count[group] = (groups.count[group] as number) + 1;
  }
  return groups;
}

/**
 * The BG/NBD negative log-likelihood per customer over log-parameters (log r, log α, log a, log b),
 * with its analytic gradient, as `bgnbdLogLikelihood` summed over the customers. Terms that depend on
 * x, t_x or T alone are computed once per distinct value, the rest once per distinct history, so a
 * million customers cost what their few hundred thousand distinct histories do.
 */
export function bgnbdObjective(customers: readonly PurchaseHistory[]): Objective {
  const groups = groupHistories(customers);
  const count = Float64Array.from(groups.count);
  const x = Float64Array.from(groups.x);
  const xLevels = levels(groups.x);
  const txLevels = levels(groups.tx);
  const TLevels = levels(groups.T);
  const customersWithX = countsPerLevel(xLevels, count);
  const total = customers.length;
  const logAlphaPlusT = new Float64Array(TLevels.values.length);
  const inverseAlphaPlusT = new Float64Array(TLevels.values.length);
  const logAlphaPlusTx = new Float64Array(txLevels.values.length);
  const inverseAlphaPlusTx = new Float64Array(txLevels.values.length);
  const logBPlusXLessOne = new Float64Array(xLevels.values.length);
  const inverseBPlusXLessOne = new Float64Array(xLevels.values.length);

  return (point) => {
    const [r, alpha, a, b] = point.map(Math.exp) as [number, number, number, number];
    const logAlpha = Math.log(alpha);
    let logLikelihood = total * r * logAlpha;
    let dR = total * logAlpha;
    let dAlpha = (total * r) / alpha;
    let dA = 0;
    let dB = 0;

    // The Gamma-function part depends on x alone, and is 0 for x = 0.
    const lnGammaR = lnGamma(r);
    const lnGammaB = lnGamma(b);
    const lnGammaAB = lnGamma(a + b);
    const digammaR = digamma(r);
    const digammaB = digamma(b);
    const digammaAB = digamma(a + b);
    for (let level = 0; level < xLevels.values.length; level++) {
      const xValue = xLevels.values[level] as number;
      if (xValue === 0) continue;
      const customersHere = customersWithX[level] as number;
      const digammaABX = digamma(a + b + xValue);
      logLikelihood +=
        customersHere *
        (lnGamma(r + xValue) -
          lnGammaR +
          lnGammaAB +
          lnGamma(b + xValue) -
          lnGammaB -
          lnGamma(a + b + xValue));
      dR += customersHere * (digamma(r + xValue) - digammaR);
      dA += customersHere * (digammaAB - digammaABX);
      dB += customersHere * (digammaAB + digamma(b + xValue) - digammaB - digammaABX);
      logBPlusXLessOne[level] = Math.log(b + xValue - 1);
      inverseBPlusXLessOne[level] = 1 / (b + xValue - 1);
    }
    for (let level = 0; level < TLevels.values.length; level++) {
      logAlphaPlusT[level] = Math.log(alpha + (TLevels.values[level] as number));
      inverseAlphaPlusT[level] = 1 / (alpha + (TLevels.values[level] as number));
    }
    for (let level = 0; level < txLevels.values.length; level++) {
      logAlphaPlusTx[level] = Math.log(alpha + (txLevels.values[level] as number));
      inverseAlphaPlusTx[level] = 1 / (alpha + (txLevels.values[level] as number));
    }

    // Alive at T, or dropped out right after the last purchase: log(e^alive + e^dropped) per group.
    const logA = Math.log(a);
    for (let group = 0; group < count.length; group++) {
      const customersHere = count[group] as number;
      const rx = r + (x[group] as number);
      const atT = TLevels.indexOf[group] as number;
      const alive = -rx * (logAlphaPlusT[atT] as number);
      if (x[group] === 0) {
        logLikelihood += customersHere * alive;
        dR -= customersHere * (logAlphaPlusT[atT] as number);
        dAlpha -= customersHere * rx * (inverseAlphaPlusT[atT] as number);
        continue;
      }
      const atTx = txLevels.indexOf[group] as number;
      const atX = xLevels.indexOf[group] as number;
      const dropped = logA - (logBPlusXLessOne[atX] as number) - rx * (logAlphaPlusTx[atTx] as number);
      const smaller = Math.exp(-Math.abs(dropped - alive));
      const droppedWeight = dropped > alive ? 1 / (1 + smaller) : smaller / (1 + smaller);
      const aliveWeight = dropped > alive ? smaller / (1 + smaller) : 1 / (1 + smaller);
      logLikelihood += customersHere * (Math.max(alive, dropped) + Math.log1p(smaller));
      dR -=
        customersHere *
        (aliveWeight * (logAlphaPlusT[atT] as number) + droppedWeight * (logAlphaPlusTx[atTx] as number));
      dAlpha -=
        customersHere *
        rx *
        (aliveWeight * (inverseAlphaPlusT[atT] as number) +
          droppedWeight * (inverseAlphaPlusTx[atTx] as number));
      dA += (customersHere * droppedWeight) / a;
      dB -= customersHere * droppedWeight * (inverseBPlusXLessOne[atX] as number);
    }
    // Per customer and negated, over log-parameters: d/d(log θ) = θ · d/dθ.
    return {
      value: -logLikelihood / total,
      gradient: [(-r * dR) / total, (-alpha * dAlpha) / total, (-a * dA) / total, (-b * dB) / total],
    };
  };
}
