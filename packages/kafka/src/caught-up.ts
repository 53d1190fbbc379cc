import { setTimeout as sleep } from "node:timers/promises";
import { consumerLag } from "./consumer-lag";
import type { Transport } from "./transport";

/** A consumer group and one topic it reads. */
export interface GroupTopic {
  readonly groupId: string;
  readonly topic: string;
}

export interface CaughtUpOptions {
  /** Give up after this long (an error names the groups still behind). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Consecutive polls with nothing left, so stages that feed each other have settled. */
  readonly quietPolls?: number;
}

/**
 * Resolves when every group has committed everything on its topic, `quietPolls` times in a row:
 * one stage's output is the next one's input, so a single quiet moment can fall between them.
 */
export async function waitUntilCaughtUp(
  kafka: Transport,
  groups: readonly GroupTopic[],
  options: CaughtUpOptions = {},
): Promise<void> {
  const { timeoutMs = 120_000, pollMs = 100, quietPolls = 3 } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    let behind: Record<string, number> = {};
    while (quiet < quietPolls) {
      const lags = await Promise.all(groups.map(({ groupId, topic }) => consumerLag(admin, groupId, topic)));
      behind = Object.fromEntries(
        groups.flatMap(({ groupId, topic }, index) =>
          (lags[index] ?? 0) > 0 ? [[`${groupId}@${topic}`, lags[index] ?? 0]] : [],
        ),
      );
      quiet = Object.keys(behind).length === 0 ? quiet + 1 : 0;
      if (Date.now() > deadline)
        throw new Error(`consumers still behind after ${timeoutMs} ms: ${JSON.stringify(behind)}`);
      if (quiet < quietPolls) await sleep(pollMs);
    }
  } finally {
    await admin.disconnect();
  }
}
