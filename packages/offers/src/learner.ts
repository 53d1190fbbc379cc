import { beta } from "@cx/random";

export interface LearnerSettings {
  /** Starting evidence per action, as if this many acceptances and refusals were seen. */
  readonly priorAccepted: number;
  readonly priorRefused: number;
  /** Each new outcome first multiplies the old evidence by this (1 = never forget). */
  readonly decay: number;
  /**
   * Hierarchical pooling. A context is a list of features ("loyal|top|email|day|took|frequent|0",
   * see decisionContext); wider cells (the action's family, the family on the channel, the action
   * on the channel, then one feature more at a time) each keep their own evidence, and a cell's
   * prior is what its parent learned (the parent's posterior mean), worth at most this many
   * outcomes and never more than the parent has seen. So a context never seen starts from what was
   * learned of customers like it rather than from nothing, and its own outcomes take over as they
   * come. 0 or absent: each full context learns alone from the flat prior (priorAccepted,
   * priorRefused).
   */
  readonly pooling?: number;
}

export const defaultLearnerSettings: LearnerSettings = {
  priorAccepted: 1,
  priorRefused: 9,
  decay: 0.995,
  pooling: 300,
};

/**
 * Serializable evidence: decayed counts of acceptances and refusals per "offerId|context" or, when
 * pooling, per cell ("#family", "#family|channel", "offerId|channel", "offerId|channel|moment", …,
 * "offerId|channel|moment|stage|tier|…").
 */
export type LearnerState = Record<string, { accepted: number; refused: number }>;

/** A cell of evidence and the most its prior may be worth. */
interface Cell {
  readonly key: string;
  readonly strength: number;
}

const maxRememberedAsks = 100_000;

/**
 * Propensity per action and context learned online: Beta-Bernoulli posteriors with Thompson
 * sampling, so actions whose value is still uncertain get tried; hierarchical priors (see
 * `pooling`), so a sparse context borrows from the wider ones it belongs to; and discounted
 * evidence, so what customers liked last year fades.
 */
export class PropensityLearner {
  private readonly evidence = new Map<string, { accepted: number; refused: number }>();
  /** Cells taught since the last `takeChangedCells`: what a changelog has to write again. */
  private readonly changed = new Set<string>();
  /**
   * The cells of each action in each context asked about, built once: every decision asks about
   * every action in the customer's context, and joining and hashing their keys anew each time was
   * most of the learner's CPU. Contexts are a handful of coarse features, so this stays small; it
   * is emptied if it ever grows past its bound.
   */
  private readonly cellsByAsk = new Map<string, readonly Cell[]>();

  constructor(
    private readonly settings: LearnerSettings = defaultLearnerSettings,
    state: LearnerState = {},
  ) {
    for (const [key, counts] of Object.entries(state)) this.evidence.set(key, { ...counts });
  }

  private counts(key: string) {
    return this.evidence.get(key) ?? { accepted: 0, refused: 0 };
  }

  /** The cells an outcome teaches (see cellsOf), remembered per action and context. */
  private cells(offerId: string, context: string, family: string | undefined): readonly Cell[] {
    // NUL separates the parts (offer ids and contexts never hold one); no family, one part fewer.
    const ask = family === undefined ? `${offerId}\0${context}` : `${family}\0${offerId}\0${context}`;
    const known = this.cellsByAsk.get(ask);
    if (known) return known;
    if (this.cellsByAsk.size >= maxRememberedAsks) this.cellsByAsk.clear();
    const cells = cellsOf(this.settings, offerId, context, family);
    this.cellsByAsk.set(ask, cells);
    return cells;
  }

  /**
   * The Beta posterior of the full context: the first cell starts from the flat prior, each next
   * one from its parent's posterior mean, worth no more than its cap nor than the parent has seen
   * (so early on every cell explores).
   */
  private posterior(offerId: string, context: string, family?: string): { alpha: number; beta: number } {
    let alpha = this.settings.priorAccepted;
    let beta = this.settings.priorRefused;
    for (const { key, strength } of this.cells(offerId, context, family)) {
      const weight = Math.min(strength, alpha + beta);
      const mean = alpha / (alpha + beta);
      const { accepted, refused } = this.counts(key);
      alpha = weight * mean + accepted;
      beta = weight * (1 - mean) + refused;
    }
    return { alpha, beta };
  }

  /** Expected acceptance rate; `family` (see offerFamily) pools the action with others like it. */
  mean(offerId: string, context: string, family?: string): number {
    const { alpha, beta } = this.posterior(offerId, context, family);
    return alpha / (alpha + beta);
  }

  /** A draw from the posterior (Thompson sampling). */
  sample(offerId: string, context: string, random: () => number, family?: string): number {
    const posterior = this.posterior(offerId, context, family);
    return beta(random, posterior.alpha, posterior.beta);
  }

  update(offerId: string, context: string, accepted: boolean, family?: string): void {
    const { decay } = this.settings;
    for (const { key } of this.cells(offerId, context, family)) {
      const old = this.counts(key);
      this.evidence.set(key, {
        accepted: old.accepted * decay + (accepted ? 1 : 0),
        refused: old.refused * decay + (accepted ? 0 : 1),
      });
      this.changed.add(key);
    }
  }

  state(): LearnerState {
    return Object.fromEntries([...this.evidence].map(([key, counts]) => [key, { ...counts }]));
  }

  /**
   * The cells taught since the last call, with their counts (empty: none): a cell's counts depend
   * on its own outcomes only, so writing the changed cells keeps a changelog of the whole learner.
   */
  takeChangedCells(): LearnerState {
    const cells = Object.fromEntries([...this.changed].map((key) => [key, { ...this.counts(key) }]));
    this.changed.clear();
    return cells;
  }
}

/**
 * The cells an outcome teaches, widest first, each with the most its prior may be worth. A
 * context reads "stage|tier|channel|moment|…" (arbitration's decisionContext; older contexts
 * stop after the channel). How well a channel works is much the same for every action of a
 * family (a call is answered more often than an email), so the family comes first, then the
 * family on the channel; then the action on the channel, which starts from its family there but
 * only with the flat prior's weight (actions of a family still differ); then the action at the
 * moment of day, for the stage, the tier and each further feature in turn, each starting from
 * the cell before it with up to `pooling` outcomes' weight.
 */
function cellsOf(
  settings: LearnerSettings,
  offerId: string,
  context: string,
  family: string | undefined,
): Cell[] {
  const { priorAccepted, priorRefused, pooling = 0 } = settings;
  const flat = priorAccepted + priorRefused;
  if (!pooling) return [{ key: `${offerId}|${context}`, strength: flat }];
  const [stage = "*", tier = "*", channel = "*", ...rest] = context.split("|");
  const path = [channel, ...rest.slice(0, 1), stage, tier, ...rest.slice(1)];
  const action = path.map((_, index) => ({
    key: `${offerId}|${path.slice(0, index + 1).join("|")}`,
    strength: index === 0 ? flat : pooling,
  }));
  if (family === undefined) return action;
  return [
    { key: `#${family}`, strength: flat },
    { key: `#${family}|${channel}`, strength: pooling },
    ...action,
  ];
}
