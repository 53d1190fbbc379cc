import { invertPositiveDefinite, numericalHessian } from "./hessian";
import type { Objective } from "./objective";

/**
 * BFGS quasi-Newton minimisation with a backtracking line search (Nocedal & Wright 2006, ch. 6),
 * finishing with Newton steps on a Hessian from differences of the gradient: near the optimum the
 * value is flat to rounding while the gradient is still exact, and BFGS's own estimate of the
 * curvature is then too noisy to step by. With analytic gradients it needs tens of evaluations where
 * a simplex method needs hundreds, and it reports why it stopped, which a fit that must never
 * return garbage silently needs.
 */
export interface MinimiseOptions {
  readonly maxIterations?: number;
  /** Converged when no coordinate of the gradient exceeds this. */
  readonly gradientTolerance?: number;
  /** Newton steps once no coordinate of the gradient exceeds this. */
  readonly newtonBelow?: number;
  /** Give up once a coordinate's magnitude passes this: the minimum lies at infinity. */
  readonly escapeBeyond?: number;
}

/**
 * converged: the gradient vanished where the objective curves up in every direction (a minimum);
 * flat: the gradient vanished but some direction has no curvature (no unique minimum there).
 */
export type StopReason = "converged" | "flat" | "iterations" | "no-progress" | "escaped" | "not-finite";

export interface MinimiseResult {
  readonly point: number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly stopped: StopReason;
}

const dot = (left: readonly number[], right: readonly number[]) =>
  left.reduce((sum, value, i) => sum + value * (right[i] as number), 0);
const largest = (vector: readonly number[]) => Math.max(...vector.map(Math.abs));
const identity = (size: number): number[][] =>
  Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, column) => (row === column ? 1 : 0)),
  );

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, the BFGS update of the inverse Hessian. */
function updateInverseHessian(inverse: number[][], step: number[], change: number[], curvature: number) {
  const rho = 1 / curvature;
  const hy = inverse.map((row) => dot(row, change));
  const yhy = dot(change, hy);
  return inverse.map((row, i) =>
    row.map(
      (value, j) =>
        value -
        rho * ((hy[i] as number) * (step[j] as number) + (step[i] as number) * (hy[j] as number)) +
        (rho * rho * yhy + rho) * (step[i] as number) * (step[j] as number),
    ),
  );
}

export function minimise(
  objective: Objective,
  start: readonly number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const { maxIterations = 1000, gradientTolerance = 1e-9, newtonBelow = 1e-4, escapeBeyond = 40 } = options;
  let point = [...start];
  let { value, gradient } = objective(point);
  const result = (iterations: number, stopped: StopReason): MinimiseResult => ({
    point,
    value,
    iterations,
    converged: stopped === "converged",
    stopped,
  });
  if (!Number.isFinite(value) || !gradient.every(Number.isFinite)) return result(0, "not-finite");
  let inverseHessian = identity(point.length);
  let scaled = false;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (largest(gradient) <= gradientTolerance)
      return result(
        iteration,
        invertPositiveDefinite(numericalHessian(objective, point)) ? "converged" : "flat",
      );
    if (largest(gradient) <= newtonBelow) {
      const newton = invertPositiveDefinite(numericalHessian(objective, point));
      if (newton) {
        inverseHessian = newton;
        scaled = true;
      }
    }
    let direction = inverseHessian.map((row) => -dot(row, gradient));
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      inverseHessian = identity(point.length);
      direction = gradient.map((g) => -g);
      slope = -dot(gradient, gradient);
    }
    // The first step is blind (H = I): keep it within a factor e of the start in every parameter.
    let length = scaled ? 1 : Math.min(1, 1 / largest(direction));
    let accepted: { point: number[]; value: number; gradient: number[] } | undefined;
    for (let halving = 0; halving < 60 && !accepted; halving++, length /= 2) {
      const candidate = point.map((coordinate, i) => coordinate + length * (direction[i] as number));
      const next = objective(candidate);
      if (!Number.isFinite(next.value) || !next.gradient.every(Number.isFinite)) continue;
      // Sufficient decrease; or, within rounding of the value, a smaller gradient (near the optimum the
      // value cannot tell steps apart any more, the gradient still can).
      const decreased = next.value <= value + 1e-4 * length * slope;
      const levelButFlatter =
        next.value <= value + 1e-10 * Math.max(1, Math.abs(value)) &&
        largest(next.gradient) < largest(gradient);
      if (decreased || levelButFlatter) accepted = { point: candidate, ...next };
    }
    if (!accepted) return result(iteration, "no-progress");
    const step = accepted.point.map((coordinate, i) => coordinate - (point[i] as number));
    const change = accepted.gradient.map((g, i) => g - (gradient[i] as number));
    const curvature = dot(step, change);
    if (curvature > 0) {
      if (!scaled) {
        inverseHessian = identity(point.length).map((row) =>
          row.map((v) => (v * curvature) / dot(change, change)),
        );
        scaled = true;
      }
      inverseHessian = updateInverseHessian(inverseHessian, step, change, curvature);
    }
    point = accepted.point;
    value = accepted.value;
    gradient = accepted.gradient;
    if (largest(point) > escapeBeyond) return result(iteration, "escaped");
  }
  return result(maxIterations, "iterations");
}
