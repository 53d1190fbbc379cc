import { setTimeout as sleep } from "node:timers/promises";

export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Runs `attempt` until it succeeds or `shouldContinue` turns false, waiting longer after each
 * failure (capped). Returns whether it succeeded; a false return means "give the work back".
 */
export async function retryWhile(
  attempt: () => Promise<void>,
  shouldContinue: () => boolean,
  onFailure: (error: unknown, attemptNumber: number, delayMs: number) => void,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<boolean> {
  let delayMs = policy.initialDelayMs;
  for (let attemptNumber = 1; shouldContinue(); attemptNumber++) {
    try {
      await attempt();
      return true;
    } catch (error) {
      onFailure(error, attemptNumber, delayMs);
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
    }
  }
  return false;
}
