/** The kinds of customer the workload's population is made of. */
export const customerKinds = [
  "loyal",
  "occasional",
  "new",
  "bargain_hunter",
  "heavy_returner",
  "drifting",
  "promoter",
  "unhappy",
] as const;
export type CustomerKind = (typeof customerKinds)[number];

/** How one kind of customer behaves. Rates are per contact unless named otherwise. */
export interface KindBehaviour {
  /** Share of the starting population. */
  readonly share: number;
  /** Contacts per day on an average day (before rhythms). */
  readonly contactsPerDay: number;
  /** Relative preference for store, phone, web, social (channels they have no identifier for drop out). */
  readonly channels: readonly [number, number, number, number];
  /** Probability that a store or web contact ends in a purchase. */
  readonly buy: number;
  /** Median basket in minor units and the log-normal sigma around it. */
  readonly basketMedianMinor: number;
  readonly basketSigma: number;
  /** Probability that a purchase is discounted, and the discount's share of list price. */
  readonly discounted: number;
  readonly discountDepth: readonly [number, number];
  /** Probability that a purchase is (partly) returned later. */
  readonly returns: number;
  /** Probability that a contact is a complaint, and a service request. */
  readonly complaint: number;
  readonly service: number;
  /** Mood: mean sentiment from −1 to 1, and how likely the problem gets solved at the first go. */
  readonly mood: number;
  readonly firstFix: number;
  /** Probability of a review after a purchase, and of a social mention per social contact. */
  readonly review: number;
  /** Median social reach (followers). */
  readonly reach: number;
  /** Probability that a contact comes with a referral of a friend. */
  readonly referral: number;
  /** Probability of opting in to email, sms, push at the first contact; of opting out per contact. */
  readonly optIn: readonly [number, number, number];
  readonly optOut: number;
  /** Probability of an erasure request over the period. */
  readonly erasure: number;
  /** Probability of holding a loyalty card, a phone number on file, a social handle; devices (1–3). */
  readonly loyaltyCard: number;
  readonly phone: number;
  readonly social: number;
  readonly devices: number;
}

export const kindBehaviours: Record<CustomerKind, KindBehaviour> = {
  loyal: {
    share: 0.14,
    contactsPerDay: 0.22,
    channels: [5, 1, 3, 1],
    buy: 0.55,
    basketMedianMinor: 4500,
    basketSigma: 0.7,
    discounted: 0.12,
    discountDepth: [0.1, 0.2],
    returns: 0.06,
    complaint: 0.01,
    service: 0.04,
    mood: 0.5,
    firstFix: 0.85,
    review: 0.08,
    reach: 150,
    referral: 0.005,
    optIn: [0.75, 0.35, 0.4],
    optOut: 0.002,
    erasure: 0.001,
    loyaltyCard: 0.95,
    phone: 0.7,
    social: 0.3,
    devices: 2,
  },
  occasional: {
    share: 0.3,
    contactsPerDay: 0.05,
    channels: [3, 1, 4, 1],
    buy: 0.4,
    basketMedianMinor: 3500,
    basketSigma: 0.8,
    discounted: 0.18,
    discountDepth: [0.1, 0.25],
    returns: 0.08,
    complaint: 0.02,
    service: 0.04,
    mood: 0.15,
    firstFix: 0.75,
    review: 0.04,
    reach: 120,
    referral: 0.003,
    optIn: [0.5, 0.15, 0.25],
    optOut: 0.006,
    erasure: 0.003,
    loyaltyCard: 0.35,
    phone: 0.5,
    social: 0.25,
    devices: 1,
  },
  new: {
    share: 0.14,
    contactsPerDay: 0.1,
    channels: [3, 1, 5, 1],
    buy: 0.45,
    basketMedianMinor: 3000,
    basketSigma: 0.8,
    discounted: 0.2,
    discountDepth: [0.1, 0.2],
    returns: 0.08,
    complaint: 0.02,
    service: 0.06,
    mood: 0.25,
    firstFix: 0.75,
    review: 0.05,
    reach: 100,
    referral: 0.004,
    optIn: [0.65, 0.25, 0.35],
    optOut: 0.005,
    erasure: 0.002,
    loyaltyCard: 0.5,
    phone: 0.45,
    social: 0.3,
    devices: 1,
  },
  bargain_hunter: {
    share: 0.1,
    contactsPerDay: 0.08,
    channels: [2, 0.3, 6, 1],
    buy: 0.35,
    basketMedianMinor: 2200,
    basketSigma: 0.6,
    discounted: 0.9,
    discountDepth: [0.2, 0.5],
    returns: 0.12,
    complaint: 0.02,
    service: 0.02,
    mood: 0.05,
    firstFix: 0.75,
    review: 0.03,
    reach: 80,
    referral: 0.002,
    optIn: [0.85, 0.5, 0.6],
    optOut: 0.004,
    erasure: 0.002,
    loyaltyCard: 0.7,
    phone: 0.4,
    social: 0.2,
    devices: 2,
  },
  heavy_returner: {
    share: 0.07,
    contactsPerDay: 0.12,
    channels: [3, 1, 6, 0.5],
    buy: 0.5,
    basketMedianMinor: 6000,
    basketSigma: 0.7,
    discounted: 0.2,
    discountDepth: [0.1, 0.2],
    returns: 0.6,
    complaint: 0.03,
    service: 0.05,
    mood: 0.0,
    firstFix: 0.7,
    review: 0.04,
    reach: 100,
    referral: 0.002,
    optIn: [0.6, 0.2, 0.3],
    optOut: 0.005,
    erasure: 0.003,
    loyaltyCard: 0.5,
    phone: 0.5,
    social: 0.2,
    devices: 2,
  },
  drifting: {
    share: 0.1,
    contactsPerDay: 0.2,
    channels: [4, 1, 3, 1],
    buy: 0.5,
    basketMedianMinor: 4000,
    basketSigma: 0.7,
    discounted: 0.15,
    discountDepth: [0.1, 0.2],
    returns: 0.07,
    complaint: 0.03,
    service: 0.04,
    mood: 0.05,
    firstFix: 0.7,
    review: 0.03,
    reach: 100,
    referral: 0.002,
    optIn: [0.6, 0.25, 0.3],
    optOut: 0.008,
    erasure: 0.004,
    loyaltyCard: 0.8,
    phone: 0.6,
    social: 0.25,
    devices: 1,
  },
  promoter: {
    share: 0.06,
    contactsPerDay: 0.2,
    channels: [4, 0.5, 3, 3],
    buy: 0.5,
    basketMedianMinor: 5000,
    basketSigma: 0.7,
    discounted: 0.1,
    discountDepth: [0.1, 0.2],
    returns: 0.05,
    complaint: 0.005,
    service: 0.03,
    mood: 0.8,
    firstFix: 0.9,
    review: 0.3,
    reach: 1500,
    referral: 0.04,
    optIn: [0.85, 0.4, 0.5],
    optOut: 0.001,
    erasure: 0.0005,
    loyaltyCard: 0.9,
    phone: 0.6,
    social: 0.9,
    devices: 2,
  },
  unhappy: {
    share: 0.09,
    contactsPerDay: 0.12,
    channels: [2, 4, 2, 2],
    buy: 0.3,
    basketMedianMinor: 4000,
    basketSigma: 0.8,
    discounted: 0.15,
    discountDepth: [0.1, 0.2],
    returns: 0.15,
    complaint: 0.3,
    service: 0.15,
    mood: -0.5,
    firstFix: 0.45,
    review: 0.12,
    reach: 200,
    referral: 0,
    optIn: [0.45, 0.15, 0.2],
    optOut: 0.03,
    erasure: 0.02,
    loyaltyCard: 0.5,
    phone: 0.85,
    social: 0.5,
    devices: 1,
  },
};

/** Whom a promoter's friends turn out to be. */
export const referredKinds: readonly [CustomerKind, number][] = [
  ["new", 0.45],
  ["occasional", 0.2],
  ["loyal", 0.15],
  ["promoter", 0.08],
  ["bargain_hunter", 0.12],
];

/** Draws a kind from weighted entries with one uniform number. */
export function drawKind(entries: readonly (readonly [CustomerKind, number])[], u: number): CustomerKind {
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let running = 0;
  for (const [kind, weight] of entries) {
    running += weight / total;
    if (u < running) return kind;
  }
  return entries[entries.length - 1]?.[0] ?? "occasional";
}
