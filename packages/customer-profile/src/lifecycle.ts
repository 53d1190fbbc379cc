import type { BgNbdParams } from "@cx/customer-value";
import type { Traits } from "./traits";
import type { CustomerValue, ValueTier } from "./value";

export const lifecycleStages = [
  "prospect",
  "new",
  "active",
  "loyal",
  "at_risk",
  "lapsed",
  "won_back",
] as const;
export type LifecycleStage = (typeof lifecycleStages)[number];

export interface LifecycleRules {
  readonly newForDays: number;
  readonly loyalMinPurchaseDays: number;
  readonly atRiskBelowAlive: number;
  readonly lapsedBelowAlive: number;
  /** Overdue: no purchase for this many times the customer's own mean gap between purchases. */
  readonly overdueFactor: number;
  readonly lapsedAfterDays: number;
  readonly wonBackForDays: number;
}

export const defaultLifecycleRules: LifecycleRules = {
  newForDays: 90,
  loyalMinPurchaseDays: 4,
  atRiskBelowAlive: 0.5,
  lapsedBelowAlive: 0.2,
  overdueFactor: 2,
  lapsedAfterDays: 365,
  wonBackForDays: 90,
};

export interface LifecycleAssessment {
  readonly stage: LifecycleStage;
  /** Where the customer goes next if nothing happens (or, for prospects and lapsed, if they buy). */
  readonly nextStage: LifecycleStage;
  /** Days until nextStage is reached without a purchase; null when it needs the customer to act. */
  readonly daysUntilNextStage: number | null;
}

/**
 * Weeks since the first purchase at which P(alive) falls to `threshold` if no purchase comes:
 * solving 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) = threshold for T.
 */
function weeksWhenAliveFallsTo(
  { r, alpha, a, b }: BgNbdParams,
  x: number,
  tx: number,
  threshold: number,
): number | null {
  if (x === 0) return null; // BG/NBD: no dropout before the first repeat purchase
  return (alpha + tx) * (((1 / threshold - 1) * (b + x - 1)) / a) ** (1 / (r + x)) - alpha;
}

/** Days from today until the first of the model's and the calendar's signs that a stage is reached. */
function daysUntil(
  traits: Traits,
  bgnbd: BgNbdParams | undefined,
  aliveThreshold: number,
  recencyDays: number | null,
): number | null {
  const history = traits.history;
  const weeks = history && bgnbd ? weeksWhenAliveFallsTo(bgnbd, history.x, history.tx, aliveThreshold) : null;
  const byModel = history && weeks !== null ? (weeks - history.T) * 7 : null;
  const byCalendar =
    recencyDays !== null && traits.recencyDays !== null ? recencyDays - traits.recencyDays : null;
  // The earlier of the two that are finite numbers; written out, as this runs for every touchpoint.
  const earliest = earlierFinite(byModel, byCalendar);
  return earliest === null ? null : Math.max(0, Math.ceil(earliest));
}

function earlierFinite(left: number | null, right: number | null): number | null {
  const finiteLeft = left !== null && Number.isFinite(left) ? left : null;
  const finiteRight = right !== null && Number.isFinite(right) ? right : null;
  if (finiteLeft === null) return finiteRight;
  return finiteRight === null ? finiteLeft : Math.min(finiteLeft, finiteRight);
}

/**
 * The evidence table (README, "Lifecycle"): stages are decided from purchase history, the model's
 * probability that the customer is still alive, and recency against the customer's own rhythm.
 */
export function assessLifecycle(
  traits: Traits,
  value: CustomerValue,
  tier: ValueTier,
  previousStage: LifecycleStage | null,
  bgnbd: BgNbdParams | undefined,
  rules: LifecycleRules = defaultLifecycleRules,
): LifecycleAssessment {
  const recency = traits.recencyDays;
  if (recency === null) return { stage: "prospect", nextStage: "new", daysUntilNextStage: null };
  const alive = value.probabilityAlive;
  const overdueAfter =
    traits.meanDaysBetweenPurchases === null ? null : rules.overdueFactor * traits.meanDaysBetweenPurchases;

  const lapsed = recency > rules.lapsedAfterDays || (alive !== null && alive < rules.lapsedBelowAlive);
  if (lapsed) return { stage: "lapsed", nextStage: "won_back", daysUntilNextStage: null };

  const atRisk =
    (alive !== null && alive < rules.atRiskBelowAlive) || (overdueAfter !== null && recency > overdueAfter);
  if (atRisk) {
    return {
      stage: "at_risk",
      nextStage: "lapsed",
      daysUntilNextStage: daysUntil(traits, bgnbd, rules.lapsedBelowAlive, rules.lapsedAfterDays),
    };
  }

  const untilAtRisk = daysUntil(traits, bgnbd, rules.atRiskBelowAlive, overdueAfter ?? rules.lapsedAfterDays);
  const cameBack =
    previousStage === "lapsed" || (previousStage === "won_back" && recency <= rules.wonBackForDays);
  const stage: LifecycleStage = cameBack
    ? "won_back"
    : traits.purchaseDays === 1 && recency <= rules.newForDays
      ? "new"
      : tier === "top" && traits.purchaseDays >= rules.loyalMinPurchaseDays
        ? "loyal"
        : "active";
  return { stage, nextStage: "at_risk", daysUntilNextStage: untilAtRisk };
}
