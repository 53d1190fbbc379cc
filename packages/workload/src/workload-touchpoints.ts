import type { Touchpoint } from "@cx/contracts";
import { startOfTodayUtc } from "./sample-touchpoints";
import { createWorkload, type Workload } from "./workload";

const dayMs = 24 * 60 * 60 * 1000;

export interface WorkloadStreamOptions {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  /** End of the period (exclusive); the start of today (UTC) by default, so a rerun the same day repeats itself. */
  readonly endAt?: number;
  /** Stop after this many touchpoints. */
  readonly limit?: number;
  readonly hashKey?: string;
}

/**
 * The realistic workload (packages/workload) for `days` days up to `endAt`: its population and a
 * lazy, time-ordered stream of its touchpoints (at most `limit`).
 */
export function workloadTouchpoints(options: WorkloadStreamOptions): {
  readonly workload: Workload;
  readonly touchpoints: Generator<Touchpoint>;
} {
  const endAt = options.endAt ?? startOfTodayUtc();
  const workload = createWorkload({
    seed: options.seed,
    customers: options.customers,
    days: options.days,
    startAt: endAt - options.days * dayMs,
    ...(options.hashKey === undefined ? {} : { hashKey: options.hashKey }),
  });
  return { workload, touchpoints: take(workload.touchpoints(), options.limit ?? Number.POSITIVE_INFINITY) };
}

function* take<T>(items: Iterator<T>, limit: number): Generator<T> {
  for (let count = 0; count < limit; count++) {
    const next = items.next();
    if (next.done) return;
    yield next.value;
  }
}
