/**
 * Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients). Written here rather than
 * taken from npm because the maintained options are abandoned and none report why they stopped,
 * which a fit that must never return garbage silently needs.
 */
export interface MinimiseOptions {
  readonly maxIterations?: number;
  /** Stop when the simplex's values differ by less than this... */
  readonly valueTolerance?: number;
  /** ...and its points by less than this in every coordinate. */
  readonly pointTolerance?: number;
  readonly initialStep?: number;
}

export interface MinimiseResult {
  readonly point: number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export function minimise(
  objective: (point: number[]) => number,
  start: number[],
  options: MinimiseOptions = {},
): MinimiseResult {
  const { maxIterations = 5000, valueTolerance = 1e-10, pointTolerance = 1e-8, initialStep = 0.5 } = options;
  const evaluate = (point: number[]) => {
    const value = objective(point);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  let simplex = [
    start,
    ...start.map((_, axis) =>
      start.map((coordinate, i) => (i === axis ? coordinate + initialStep : coordinate)),
    ),
  ].map((point) => ({ point, value: evaluate(point) }));
  const blend = (from: number[], to: number[], weight: number) =>
    from.map((value, i) => value + weight * ((to[i] as number) - value));

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    simplex.sort((left, right) => left.value - right.value);
    const best = simplex[0] as (typeof simplex)[number];
    const worst = simplex.at(-1) as (typeof simplex)[number];
    const secondWorst = simplex.at(-2) as (typeof simplex)[number];
    const spread = worst.value - best.value;
    const size = Math.max(
      ...simplex.map(({ point }) =>
        Math.max(...point.map((value, i) => Math.abs(value - (best.point[i] as number)))),
      ),
    );
    if (spread <= valueTolerance && size <= pointTolerance) {
      return { point: best.point, value: best.value, iterations: iteration, converged: true };
    }
    const others = simplex.slice(0, -1);
    const centroid = best.point.map(
      (_, i) => others.reduce((sum, { point }) => sum + (point[i] as number), 0) / others.length,
    );
    const reflected = blend(centroid, worst.point, -1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < best.value) {
      const expanded = blend(centroid, worst.point, -2);
      const expandedValue = evaluate(expanded);
      simplex[simplex.length - 1] =
        expandedValue < reflectedValue
          ? { point: expanded, value: expandedValue }
          : { point: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < secondWorst.value) {
      simplex[simplex.length - 1] = { point: reflected, value: reflectedValue };
      continue;
    }
    const outside = reflectedValue < worst.value;
    const contracted = outside ? blend(centroid, reflected, 0.5) : blend(centroid, worst.point, 0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < Math.min(reflectedValue, worst.value)) {
      simplex[simplex.length - 1] = { point: contracted, value: contractedValue };
      continue;
    }
    simplex = simplex.map((vertex, index) => {
      if (index === 0) return vertex;
      const point = blend(best.point, vertex.point, 0.5);
      return { point, value: evaluate(point) };
    });
  }
  simplex.sort((left, right) => left.value - right.value);
  const best = simplex[0] as (typeof simplex)[number];
  return { point: best.point, value: best.value, iterations: maxIterations, converged: false };
}
