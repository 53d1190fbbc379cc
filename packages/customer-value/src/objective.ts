/** A function to minimise with its gradient, both at the same point (they share most of their work). */
export type Objective = (point: readonly number[]) => { value: number; gradient: number[] };

/**
 * Distinct values of a column and, per row, the index of its value: terms that depend on one column
 * only are computed once per distinct value instead of once per row.
 */
export interface Levels {
  readonly values: Float64Array;
  readonly indexOf: Int32Array;
}

export function levels(column: ArrayLike<number>): Levels {
  const positions = new Map<number, number>();
  const indexOf = new Int32Array(column.length);
  for (let row = 0; row < column.length; row++) {
    const value = column[row] as number;
    let position = positions.get(value);
    if (position === undefined) {
      position = positions.size;
      positions.set(value, position);
    }
    indexOf[row] = position;
  }
  return { values: Float64Array.from(positions.keys()), indexOf };
}

/** How many rows have each level. */
export function countsPerLevel(levels: Levels, weight: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(levels.values.length);
  for (let row = 0; row < levels.indexOf.length; row++) {
    const level = levels.indexOf[row] as number;
    counts[level] = (counts[level] as number) + (weight[row] as number);
  }
  return counts;
}
