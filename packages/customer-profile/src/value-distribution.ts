/**
 * The population's distribution of customer value, kept as counts in log-spaced buckets so that
 * percentiles (the 20/80 tier lines) follow the population as values move, in constant memory and
 * deterministically. Each customer is counted once, in the bucket of their latest value: the caller
 * keeps each customer's bucket with the rest of what it holds of them (a map of its own here would
 * cost every customer an entry).
 */
export class ValueDistribution {
  private readonly counts: number[];
  private total = 0;
  /** The tier lines of the current counts, until they change; most touchpoints move no customer's bucket. */
  private lines: { p40: number; p80: number } | null = null;

  /** Values from 0 to 10^maxDecade minor units, `perDecade` buckets per tenfold. */
  constructor(
    private readonly perDecade = 20,
    maxDecade = 10,
  ) {
    this.counts = new Array<number>(perDecade * maxDecade + 1).fill(0);
  }

  private bucket(value: number): number {
    if (value <= 1) return 0;
    return Math.min(this.counts.length - 1, 1 + Math.floor(Math.log10(value) * this.perDecade));
  }

  private lowerBound(bucket: number): number {
    return bucket === 0 ? 0 : 10 ** ((bucket - 1) / this.perDecade);
  }

  /**
   * Counts a customer's value, moving them from `previous` (the bucket this returned for them
   * before, if it did); returns their bucket now.
   */
  record(value: number, previous?: number): number {
    const bucket = this.bucket(value);
    if (previous === bucket) return bucket;
    this.lines = null;
    if (previous !== undefined) this.counts[previous] = (this.counts[previous] ?? 0) - 1;
    else this.total++;
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    return bucket;
  }

  /** Stops counting a customer, given the bucket record returned for them last. */
  forget(bucket: number): void {
    this.lines = null;
    this.counts[bucket] = (this.counts[bucket] ?? 0) - 1;
    this.total--;
  }

  /** The value below which a share q of customers lie (to the bucket's resolution, ~12 %). */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = q * this.total;
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket] as number;
      if (seen > rank) return this.lowerBound(bucket);
    }
    return this.lowerBound(this.counts.length - 1);
  }

  tierLines(): { p40: number; p80: number } {
    this.lines ??= { p40: this.percentile(0.4), p80: this.percentile(0.8) };
    return this.lines;
  }
}
