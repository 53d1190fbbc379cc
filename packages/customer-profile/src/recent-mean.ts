/**
 * A mean in which each sample's weight halves every `halfLifeDays` before the newest sample. Kept
 * as sums scaled to the newest sample's time, so adding samples in any order, or combining two
 * customers' sums, gives the same result: a merged or redelivered history cannot change it.
 */
export interface RecentMean {
  readonly weightedSum: number;
  readonly weight: number;
  /** Time of the newest sample; the sums are scaled to it. */
  readonly at: number;
}

export const sentimentHalfLifeDays = 30;
const halfLifeMs = sentimentHalfLifeDays * 24 * 60 * 60 * 1000;

const scaled = (mean: RecentMean, to: number): RecentMean => {
  const factor = 2 ** ((mean.at - to) / halfLifeMs);
  return { weightedSum: mean.weightedSum * factor, weight: mean.weight * factor, at: to };
};

export function combineRecentMeans(left: RecentMean | null, right: RecentMean | null): RecentMean | null {
  if (left === null || right === null) return left ?? right;
  const at = Math.max(left.at, right.at);
  const a = scaled(left, at);
  const b = scaled(right, at);
  return { weightedSum: a.weightedSum + b.weightedSum, weight: a.weight + b.weight, at };
}

export function addSample(mean: RecentMean | null, value: number, at: number): RecentMean {
  return combineRecentMeans(mean, { weightedSum: value, weight: 1, at }) as RecentMean;
}

export function recentMeanValue(mean: RecentMean | null): number | null {
  return mean === null || mean.weight === 0 ? null : mean.weightedSum / mean.weight;
}
