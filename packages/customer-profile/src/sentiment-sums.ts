import { addSample, combineRecentMeans, type RecentMean, recentMeanValue } from "./recent-mean";

/**
 * A profile's sentiment as sums, not running averages, so it does not depend on the order in which
 * touchpoints arrive or customers merge: empty before the first sample, then five unboxed numbers
 * (sum, samples, and the recent mean's weighted sum, weight and time; see RecentMean). One array,
 * kept only by customers who expressed sentiment, instead of three fields and an object each.
 */
export type SentimentSums = readonly number[];

/** The sums as the changelog carries them (fields of the profile record). */
export interface SentimentFields {
  readonly sentimentSum: number;
  readonly sentimentSamples: number;
  readonly recentSentiment: RecentMean | null;
}

function recentOf(sums: SentimentSums): RecentMean | null {
  return sums.length === 0
    ? null
    : { weightedSum: sums[2] as number, weight: sums[3] as number, at: sums[4] as number };
}

function sumsOf(sum: number, samples: number, recent: RecentMean): number[] {
  return [sum, samples, recent.weightedSum, recent.weight, recent.at];
}

export function addSentiment(sums: SentimentSums, value: number, at: number): number[] {
  const recent = addSample(recentOf(sums), value, at);
  return sumsOf((sums[0] ?? 0) + value, (sums[1] ?? 0) + 1, recent);
}

export function mergeSentiment(left: SentimentSums, right: SentimentSums): number[] {
  if (left.length === 0 || right.length === 0) return (left.length === 0 ? right : left) as number[];
  const recent = combineRecentMeans(recentOf(left), recentOf(right)) as RecentMean;
  return sumsOf(
    (left[0] as number) + (right[0] as number),
    (left[1] as number) + (right[1] as number),
    recent,
  );
}

/** The mean over all samples and the recent mean (weights halving monthly); null without samples. */
export function sentimentMeans(sums: SentimentSums): { average: number | null; recent: number | null } {
  if (sums.length === 0) return { average: null, recent: null };
  return { average: (sums[0] as number) / (sums[1] as number), recent: recentMeanValue(recentOf(sums)) };
}

export function sentimentFields(sums: SentimentSums): SentimentFields {
  return { sentimentSum: sums[0] ?? 0, sentimentSamples: sums[1] ?? 0, recentSentiment: recentOf(sums) };
}

export function sentimentOfFields({
  sentimentSum,
  sentimentSamples,
  recentSentiment,
}: SentimentFields): number[] {
  return sentimentSamples === 0 || recentSentiment === null
    ? []
    : sumsOf(sentimentSum, sentimentSamples, recentSentiment);
}
