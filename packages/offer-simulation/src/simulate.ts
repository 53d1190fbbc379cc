import {
  type Arbiter,
  bestAction,
  type EngineSettings,
  type LearnerSettings,
  type OfferCatalog,
} from "@cx/offers";
import { broadcastAll, randomAction, randomUntargetedAction } from "./baselines";
import { type MarketTotals, runMarket } from "./market";
import { simulatedPopulation } from "./population";
import { cumulativeByWeek } from "./regret";

export interface SimulationOptions {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  readonly catalog: OfferCatalog;
  /** The product as configured (the offers service's settings). */
  readonly engine: EngineSettings;
  readonly learner: LearnerSettings;
}

export interface PolicyReport {
  readonly acceptedValue: number;
  readonly incrementalValue: number;
  readonly netValue: number;
  /** Marketing messages per customer: the selling pressure that tires people and drives opt-outs. */
  readonly contactsPerCustomer: number;
  /** Care messages per customer (recovery, survey, how-to): service, the same duty under every policy. */
  readonly careContactsPerCustomer: number;
  readonly acceptanceRate: number;
  readonly optOuts: number;
  readonly churned: number;
}

export interface SimulationReport {
  readonly setup: { seed: number; customers: number; days: number; catalogVersion: string };
  readonly engine: PolicyReport & {
    readonly regretByWeek: number[];
    readonly regretPerDecisionByWeek: number[];
  };
  readonly random: PolicyReport;
  readonly randomUntargeted: PolicyReport;
  readonly broadcast: PolicyReport;
  readonly none: PolicyReport;
}

/** Money in major units (2 decimals), rates to 4: fixed digits, so the same seed prints the same bytes. */
const money = (minor: number) => Math.round(minor) / 100;
const rate = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * The engine against the baselines over the same population, seed and organic behaviour:
 * `random` (a uniformly random eligible action under the same contact policy), `randomUntargeted`
 * (the same without the catalog's targeting), `broadcast` (every eligible action on every trigger,
 * consent only) and `none` (care only: everyone held out, the baseline for incremental value).
 */
export function simulate(options: SimulationOptions): SimulationReport {
  const population = simulatedPopulation(options.seed, options.customers);
  const run = (arbiter: Arbiter, engine: EngineSettings, measureRegret = false) =>
    runMarket({ ...options, population, arbiter, engine, measureRegret });
  const engine = run(bestAction, options.engine, true);
  const random = run(randomAction, options.engine);
  const randomUntargeted = run(randomUntargetedAction, options.engine);
  const broadcast = run(broadcastAll, options.engine);
  const none = run(bestAction, { ...options.engine, holdout: { percent: 100, salt: "none" } });
  const report = (totals: MarketTotals): PolicyReport => ({
    acceptedValue: money(totals.acceptedValueMinor),
    incrementalValue: money(totals.netValueMinor - none.netValueMinor),
    netValue: money(totals.netValueMinor),
    contactsPerCustomer: rate(totals.marketingContacts / options.customers),
    careContactsPerCustomer: rate((totals.contacts - totals.marketingContacts) / options.customers),
    acceptanceRate: rate(totals.contacts === 0 ? 0 : totals.accepted / totals.contacts),
    optOuts: totals.optOuts,
    churned: totals.churned,
  });
  const weeks = Math.ceil(options.days / 7);
  const decisionsByWeek = cumulativeByWeek(
    engine.regrets.map(({ week }) => ({ week, regret: 1 })),
    weeks,
  );
  const regretByWeek = cumulativeByWeek(engine.regrets, weeks);
  return {
    setup: {
      seed: options.seed,
      customers: options.customers,
      days: options.days,
      catalogVersion: options.catalog.version,
    },
    engine: {
      ...report(engine),
      regretByWeek: regretByWeek.map(money),
      regretPerDecisionByWeek: regretByWeek.map((total, week) => {
        const decisions = (decisionsByWeek[week] ?? 0) - (decisionsByWeek[week - 1] ?? 0);
        const weekly = total - (regretByWeek[week - 1] ?? 0);
        return decisions === 0 ? 0 : money(weekly / decisions);
      }),
    },
    random: report(random),
    randomUntargeted: report(randomUntargeted),
    broadcast: report(broadcast),
    none: report(none),
  };
}
