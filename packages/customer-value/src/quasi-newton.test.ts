import { describe, expect, it } from "vitest";
import type { Objective } from "./objective";
import { minimise } from "./quasi-newton";

/** Rosenbrock's valley: a curved, badly scaled minimum at (1, 1), the classic test of a minimiser. */
const rosenbrock: Objective = ([x = 0, y = 0]) => ({
  value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
});

describe("minimise", () => {
  it("finds Rosenbrock's minimum from the usual start, saying it converged", () => {
    const result = minimise(rosenbrock, [-1.2, 1]);
    expect(result.stopped).toBe("converged");
    expect(result.converged).toBe(true);
    expect(result.point[0]).toBeCloseTo(1, 8);
    expect(result.point[1]).toBeCloseTo(1, 8);
    expect(result.iterations).toBeLessThan(100);
  });

  it("says the point escaped when the objective falls for ever", () => {
    const downhill: Objective = ([x = 0]) => ({ value: -x, gradient: [-1] });
    const result = minimise(downhill, [0]);
    expect(result.converged).toBe(false);
    expect(result.stopped).toBe("escaped");
  });

  it("says the minimum is flat when a direction has no curvature (no single minimum)", () => {
    const valley: Objective = ([x = 0]) => ({ value: (x - 2) ** 2, gradient: [2 * (x - 2), 0] });
    const result = minimise(valley, [0, 0]);
    expect(result.converged).toBe(false);
    expect(result.stopped).toBe("flat");
    expect(result.point[0]).toBeCloseTo(2, 8);
  });

  it("refuses a start where the objective is not finite", () => {
    const result = minimise(() => ({ value: Number.NaN, gradient: [0] }), [0]);
    expect(result.stopped).toBe("not-finite");
  });
});
