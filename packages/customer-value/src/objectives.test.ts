import { describe, expect, it } from "vitest";
import { bgnbdLogLikelihood } from "./bgnbd";
import { bgnbdObjective } from "./bgnbd-objective";
import { gammaGammaLogLikelihood } from "./gamma-gamma";
import { gammaGammaObjective } from "./gamma-gamma-objective";
import type { Objective } from "./objective";
import { simulateBgNbd, simulateGammaGamma } from "./simulate.test-support";

/** Central differences of the value, to hold the analytic gradient against. */
function numericalGradient(objective: Objective, point: number[], step = 1e-6): number[] {
  return point.map((_, axis) => {
    const at = (sign: number) =>
      objective(point.map((value, i) => (i === axis ? value + sign * step : value))).value;
    return (at(1) - at(-1)) / (2 * step);
  });
}

describe("the BG/NBD objective", () => {
  // Repeated histories, so grouping has work to do.
  const customers = [...simulateBgNbd({ r: 0.6, alpha: 5, a: 1.5, b: 4 }, 800, 2), { x: 0, tx: 0, T: 30 }];
  const objective = bgnbdObjective([...customers, ...customers.slice(0, 200)]);
  const params = { r: 0.7, alpha: 4, a: 1.2, b: 3 };
  const point = [params.r, params.alpha, params.a, params.b].map(Math.log);

  it("is minus the mean of the customers' log-likelihoods, however many share a history", () => {
    const all = [...customers, ...customers.slice(0, 200)];
    const direct = all.reduce((sum, customer) => sum + bgnbdLogLikelihood(params, customer), 0) / all.length;
    expect(objective(point).value).toBeCloseTo(-direct, 12);
  });

  it("has the gradient that differences of its value give", () => {
    const { gradient } = objective(point);
    numericalGradient(objective, point).forEach((expected, i) => {
      expect(gradient[i]).toBeCloseTo(expected, 7);
    });
  });
});

describe("the Gamma-Gamma objective", () => {
  const customers = simulateGammaGamma({ p: 4, q: 5, v: 60 }, 800, 4);
  const objective = gammaGammaObjective(customers);
  const params = { p: 3, q: 4, v: 50 };
  const point = [params.p, params.q, params.v].map(Math.log);

  it("is minus the mean of the customers' log-likelihoods", () => {
    const direct =
      customers.reduce((sum, customer) => sum + gammaGammaLogLikelihood(params, customer), 0) /
      customers.length;
    expect(objective(point).value).toBeCloseTo(-direct, 11);
  });

  it("has the gradient that differences of its value give", () => {
    const { gradient } = objective(point);
    numericalGradient(objective, point).forEach((expected, i) => {
      expect(gradient[i]).toBeCloseTo(expected, 6);
    });
  });
});
