import { beta } from "@cx/random";

export interface LearnerSettings {
  /** Starting evidence per action and context, as if this many acceptances and refusals were seen. */
  readonly priorAccepted: number;
  readonly priorRefused: number;
  /** Each new outcome first multiplies the old evidence by this (1 = never forget). */
  readonly decay: number;
}

export const defaultLearnerSettings: LearnerSettings = { priorAccepted: 1, priorRefused: 9, decay: 0.995 };

/** Serializable evidence: per "offerId|context", decayed counts of acceptances and refusals. */
export type LearnerState = Record<string, { accepted: number; refused: number }>;

/**
 * Propensity per action and context (stage × tier × channel) learned online: Beta-Bernoulli with
 * Thompson sampling, so actions whose value is still uncertain get tried, and discounted evidence,
 * so what customers liked last year fades.
 */
export class PropensityLearner {
  private readonly evidence = new Map<string, { accepted: number; refused: number }>();

  constructor(
    private readonly settings: LearnerSettings = defaultLearnerSettings,
    state: LearnerState = {},
  ) {
    for (const [key, counts] of Object.entries(state)) this.evidence.set(key, { ...counts });
  }

  private counts(offerId: string, context: string) {
    return this.evidence.get(`${offerId}|${context}`) ?? { accepted: 0, refused: 0 };
  }

  /** Expected acceptance rate. */
  mean(offerId: string, context: string): number {
    const { accepted, refused } = this.counts(offerId, context);
    const a = this.settings.priorAccepted + accepted;
    return a / (a + this.settings.priorRefused + refused);
  }

  /** A draw from the posterior (Thompson sampling). */
  sample(offerId: string, context: string, random: () => number): number {
    const { accepted, refused } = this.counts(offerId, context);
    return beta(random, this.settings.priorAccepted + accepted, this.settings.priorRefused + refused);
  }

  update(offerId: string, context: string, accepted: boolean): void {
    const key = `${offerId}|${context}`;
    const old = this.counts(offerId, context);
    const { decay } = this.settings;
    this.evidence.set(key, {
      accepted: old.accepted * decay + (accepted ? 1 : 0),
      refused: old.refused * decay + (accepted ? 0 : 1),
    });
  }

  state(): LearnerState {
    return Object.fromEntries([...this.evidence].map(([key, counts]) => [key, { ...counts }]));
  }
}
