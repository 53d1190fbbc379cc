import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `probe` until `done` accepts its value, and returns that value; on timeout, fails with the
 * last value seen so the assertion message says how far it got.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await sleep(intervalMs);
  }
}
