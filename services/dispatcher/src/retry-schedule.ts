/**
 * Delays before each retry, after the first attempt: the Standard Webhooks specification's example
 * schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), so a receiver may be down for about a day.
 */
export const defaultRetrySchedule = "5s,5m,30m,2h,5h,10h,10h";

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "5s,5m,2h" → [5000, 300000, 7200000]; null when an entry is not a number with a unit. */
export function parseSchedule(raw: string): number[] | null {
  const delays = raw.split(",").map((entry) => {
    const match = /^\s*(\d+)(ms|s|m|h)\s*$/.exec(entry);
    return match?.[1] && match[2] ? Number(match[1]) * (units[match[2]] ?? Number.NaN) : Number.NaN;
  });
  return delays.length > 0 && delays.every(Number.isFinite) ? delays : null;
}

/**
 * When the attempt after `attemptsMade` failed attempts is due, or null when the schedule is spent.
 * ±20 % jitter spreads retries of many decisions that failed together (a receiver's outage), so they
 * do not all come back at once. A Retry-After the receiver sent (429, 503) is waited for in full.
 */
export function nextAttemptAt(
  schedule: readonly number[],
  attemptsMade: number,
  now: number,
  random: () => number,
  retryAfterMs?: number,
): number | null {
  const delay = schedule[attemptsMade - 1];
  if (delay === undefined) return null;
  const jittered = Math.round(delay * (0.8 + 0.4 * random()));
  return now + Math.max(jittered, retryAfterMs ?? 0);
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(at - now, 0);
}
