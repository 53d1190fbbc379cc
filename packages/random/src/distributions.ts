/** Samplers over a uniform source in [0, 1), so they are as reproducible as the source. */
export type Uniform = () => number;

/** Exponential with the given rate. */
export function exponential(random: Uniform, rate: number): number {
  return -Math.log(1 - random()) / rate;
}

/** Standard normal (Box–Muller). */
export function normal(random: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma with shape k and rate θ (Marsaglia & Tsang 2000; shape < 1 boosted). */
export function gamma(random: Uniform, shape: number, rate: number): number {
  if (shape < 1) return gamma(random, shape + 1, rate) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function beta(random: Uniform, a: number, b: number): number {
  const x = gamma(random, a, 1);
  return x / (x + gamma(random, b, 1));
}
