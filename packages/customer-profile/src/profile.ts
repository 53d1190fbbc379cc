/**
 * Everything the pipeline keeps about one customer, folded from their touchpoints. Plain data
 * (JSON-safe); the changelog carries it in its own shape (ProfileStateRecord in
 * packages/stage-records: channels by name, first and last seen).
 */
export interface CustomerProfile {
  readonly customerId: string;
  /** The customer's identifier keys ("kind:hash") seen on their touchpoints, sorted. */
  readonly identifiers: string[];
  /** Per channel touched: index, first and last time, touchpoints (see ChannelActivityList). */
  readonly channelActivity: number[];
  /** Days with a purchase and the net amount of each (see PurchaseDays); one day counts once. */
  readonly purchaseDays: number[];
  readonly grossPurchasesMinor: number;
  readonly returnsMinor: number;
  readonly discountMinor: number;
  readonly marginMinor: number;
  readonly purchaseCount: number;
  readonly returnCount: number;
  readonly paymentFailures: number;
  readonly complaints: number;
  readonly lastComplaintAt: number | null;
  /** Service contacts, resolutions, waiting and handling times as sums (see ServiceSums). */
  readonly service: number[];
  /**
   * Sentiment as sums (see SentimentSums): the mean over all samples, and a recent mean whose
   * weights halve monthly; recent minus overall is the trend.
   */
  readonly sentiment: number[];
  /** The latest NPS answer by the time it was given (not by arrival). */
  readonly lastNps: number | null;
  readonly lastNpsAt: number | null;
  readonly referralsMade: number;
  readonly referralsConverted: number;
  readonly socialReach: number;
  readonly reviews: number;
  /**
   * Hashes of the ids of the most recent touchpoints and merges applied (eventIdHash, mergeIdHash),
   * so a redelivered or re-sent one changes nothing.
   */
  readonly recentEventHashes: number[];
}

/**
 * The empty lists every new profile starts with, shared: a profile replaces its lists instead of
 * changing them, and an empty array of its own would cost each customer 32 bytes per list. Frozen,
 * so a change in place would fail loudly instead of reaching every profile.
 */
const none: never[] = Object.freeze([]) as never[];

export function emptyProfile(customerId: string): CustomerProfile {
  return {
    customerId,
    identifiers: none,
    channelActivity: none,
    purchaseDays: none,
    grossPurchasesMinor: 0,
    returnsMinor: 0,
    discountMinor: 0,
    marginMinor: 0,
    purchaseCount: 0,
    returnCount: 0,
    paymentFailures: 0,
    complaints: 0,
    lastComplaintAt: null,
    service: none,
    sentiment: none,
    lastNps: null,
    lastNpsAt: null,
    referralsMade: 0,
    referralsConverted: 0,
    socialReach: 0,
    reviews: 0,
    recentEventHashes: none,
  };
}
