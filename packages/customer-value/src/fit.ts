import type { BgNbdParams, PurchaseHistory } from "./bgnbd";
import { bgnbdObjective } from "./bgnbd-objective";
import type { GammaGammaParams, SpendHistory } from "./gamma-gamma";
import { gammaGammaObjective } from "./gamma-gamma-objective";
import type { Objective } from "./objective";
import { minimise } from "./quasi-newton";

export interface FitDiagnostics {
  readonly converged: boolean;
  readonly iterations: number;
  /** How many starting points were tried and how many converged to (nearly) the best optimum. */
  readonly starts: number;
  readonly startsAgreeing: number;
}

export interface Fit<Params> {
  readonly params: Params;
  /** Total log-likelihood of the data at the fitted parameters. */
  readonly logLikelihood: number;
  readonly diagnostics: FitDiagnostics;
}

/** A fit that did not produce parameters one may use; the message says why. */
export class FitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FitError";
  }
}

const plausible = { min: 1e-8, max: 1e8 };

function outsidePlausible<Params>(
  what: string,
  names: readonly (keyof Params & string)[],
  params: Params,
): FitError | undefined {
  for (const name of names) {
    const value = params[name] as number;
    if (!Number.isFinite(value) || value < plausible.min || value > plausible.max) {
      return new FitError(
        `${what}: parameter ${name} = ${value} is outside ${plausible.min}..${plausible.max}; the data do not identify the model`,
      );
    }
  }
  return undefined;
}

/**
 * Maximum likelihood over log-parameters (so every parameter stays positive) from several starting
 * points; the best converged optimum wins. `objective` is the negative log-likelihood per customer
 * over the log-parameters, with its gradient. Throws rather than returning parameters that did not
 * converge, are not finite, or ran off to the edge of the plausible range (an unidentified model).
 */
function fitByLikelihood<Params>(
  what: string,
  names: readonly (keyof Params & string)[],
  count: number,
  objective: Objective,
  starts: number[][],
): Fit<Params> {
  if (count === 0) throw new FitError(`${what}: no customers to fit`);
  const toParams = (logs: number[]) =>
    Object.fromEntries(names.map((name, i) => [name, Math.exp(logs[i] as number)])) as Params;
  const results = starts.map((start) => minimise(objective, start.map(Math.log)));
  const converged = results.filter((result) => result.converged && Number.isFinite(result.value));
  if (converged.length === 0) {
    const unidentified = results.find((result) => result.stopped === "escaped" || result.stopped === "flat");
    if (!unidentified)
      throw new FitError(
        `${what}: the optimiser did not converge from any of ${starts.length} starting points`,
      );
    throw (
      outsidePlausible(what, names, toParams(unidentified.point)) ??
      new FitError(`${what}: the likelihood has no single maximum; the data do not identify the model`)
    );
  }
  const best = converged.reduce((left, right) => (right.value < left.value ? right : left));
  const params = toParams(best.point);
  const implausible = outsidePlausible(what, names, params);
  if (implausible) throw implausible;
  return {
    params,
    logLikelihood: -best.value * count,
    diagnostics: {
      converged: true,
      iterations: best.iterations,
      starts: starts.length,
      startsAgreeing: converged.filter((result) => Math.abs(result.value - best.value) < 1e-6).length,
    },
  };
}

export function fitBgNbd(customers: readonly PurchaseHistory[]): Fit<BgNbdParams> {
  const meanT = customers.reduce((sum, customer) => sum + customer.T, 0) / Math.max(customers.length, 1);
  const meanX = customers.reduce((sum, customer) => sum + customer.x, 0) / Math.max(customers.length, 1);
  // A purchase rate near the observed one, and a spread of dropout priors around the usual range.
  const rate = Math.max(meanX, 0.1) / Math.max(meanT, 1);
  const starts = [
    [1, 1 / rate, 1, 1],
    [0.5, 0.5 / rate, 0.8, 2.5],
    [2, 2 / rate, 2, 8],
    [0.25, 0.25 / rate, 0.5, 1.5],
  ];
  return fitByLikelihood<BgNbdParams>(
    "BG/NBD",
    ["r", "alpha", "a", "b"],
    customers.length,
    bgnbdObjective(customers),
    starts,
  );
}

/** Fits on customers with at least one repeat transaction and a positive mean spend. */
export function fitGammaGamma(customers: readonly SpendHistory[]): Fit<GammaGammaParams> {
  const usable = customers.filter((customer) => customer.x > 0 && customer.meanSpend > 0);
  const meanSpend =
    usable.reduce((sum, customer) => sum + customer.meanSpend, 0) / Math.max(usable.length, 1);
  const starts = [
    [1, 2, meanSpend],
    [5, 3, meanSpend],
    [2, 5, 4 * meanSpend],
    [10, 10, meanSpend],
  ];
  return fitByLikelihood<GammaGammaParams>(
    "Gamma-Gamma",
    ["p", "q", "v"],
    usable.length,
    gammaGammaObjective(usable),
    starts,
  );
}
