import type { Objective } from "./objective";

/** The Hessian from central differences of the analytic gradient, made symmetric. */
export function numericalHessian(objective: Objective, point: readonly number[], step = 1e-5): number[][] {
  const columns = point.map((_, axis) => {
    const at = (sign: number) =>
      objective(point.map((coordinate, i) => (i === axis ? coordinate + sign * step : coordinate))).gradient;
    const ahead = at(1);
    const behind = at(-1);
    return ahead.map((value, i) => (value - (behind[i] as number)) / (2 * step));
  });
  return columns.map((column, i) =>
    column.map((value, j) => (value + ((columns[j] as number[])[i] as number)) / 2),
  );
}

/** The inverse of a symmetric matrix through its Cholesky factor; undefined unless positive definite. */
export function invertPositiveDefinite(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const size = matrix.length;
  const lower = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (matrix[i] as number[])[j] as number;
      for (let k = 0; k < j; k++)
        sum -= ((lower[i] as number[])[k] as number) * ((lower[j] as number[])[k] as number);
      if (i === j) {
        if (!(sum > 0)) return undefined;
        (lower[i] as number[])[i] = Math.sqrt(sum);
      } else (lower[i] as number[])[j] = sum / ((lower[j] as number[])[j] as number);
    }
  }
  // Solve L Lᵀ X = I column by column.
  const inverse = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let column = 0; column < size; column++) {
    const forward = new Array<number>(size).fill(0);
    for (let i = 0; i < size; i++) {
      let sum = i === column ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= ((lower[i] as number[])[k] as number) * (forward[k] as number);
      forward[i] = sum / ((lower[i] as number[])[i] as number);
    }
    for (let i = size - 1; i >= 0; i--) {
      let sum = forward[i] as number;
      for (let k = i + 1; k < size; k++)
        sum -= ((lower[k] as number[])[i] as number) * ((inverse[k] as number[])[column] as number);
      (inverse[i] as number[])[column] = sum / ((lower[i] as number[])[i] as number);
    }
  }
  return inverse;
}
