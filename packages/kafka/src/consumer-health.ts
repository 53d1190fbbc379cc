import { healthBounds, liveness, metrics, readiness, withTimeout } from "@cx/observability";
import { partitionLags } from "./consumer-lag";
import type { Admin, Transport } from "./transport";

type Lag = { topic: string; partition: number; lag: number };
type Assignment = Readonly<Record<string, readonly number[]>>;

const lagReadTimeoutMs = 5_000;

/**
 * What the operations endpoints say about one stage's consumer, across the consumer instances a
 * supervisor makes for it:
 * - lag per partition the stage owns, read from the broker every few seconds (committed offsets, so
 *   transactional stages count too) and kept through a crash: the partitions it should own still
 *   show their lag while it recovers;
 * - not ready while joining, crashed or recreating; while its lag cannot be read; or while a
 *   partition with lag has made no progress, each for longer than HEALTH_STUCK_AFTER_MS (the
 *   reason says which);
 * - not live once any of these has lasted HEALTH_DEAD_AFTER_MS, so an orchestrator restarts it.
 */
export class ConsumerHealth {
  private state: { readonly problem: string | undefined; readonly since: number } = {
    problem: "joining its consumer group",
    since: Date.now(),
  };
  private assignment: Assignment = {};
  private lags: Lag[] = [];
  private lagError: { message: string; since: number } | undefined;
  private readonly progressAt = new Map<string, number>();
  private admin: Promise<Admin> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly removers: (() => void)[];
  private polling: Promise<void> | undefined;

  /**
   * @param onTroubledTooLong called on each check while the member has had a problem for longer than
   *   HEALTH_STUCK_AFTER_MS (its owner recreates it): one timer serves the lag and the watchdog.
   */
  constructor(
    private readonly kafka: Transport,
    private readonly groupId: string,
    readonly stage: string,
    onTroubledTooLong: () => void,
  ) {
    const pollMs = Math.max(500, Math.min(5_000, Math.floor(healthBounds.stuckAfterMs / 4)));
    this.timer = setInterval(() => {
      void this.poll();
      const since = this.troubledSince();
      if (since !== undefined && Date.now() - since > healthBounds.stuckAfterMs) onTroubledTooLong();
    }, pollMs);
    this.timer.unref();
    this.removers = [
      readiness.register(`consumer ${stage}`, () => this.notReady()),
      liveness.register(`consumer ${stage}`, () => this.notLive()),
      // A scrape reads the lag afresh (sharing a poll under way), so it is current when asked for.
      metrics.addLagSource(stage, async () => {
        await this.poll();
        return this.lags;
      }),
    ];
  }

  /** The member joined its group and owns these partitions. */
  joined(assignment: Assignment): void {
    this.assignment = assignment;
    const now = Date.now();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) this.progressAt.set(`${topic}/${partition}`, now);
    this.state = { problem: undefined, since: now };
    void this.poll();
  }

  /** Something is wrong with the member (crashed, rebalancing, being recreated); the assignment is kept. */
  trouble(problem: string): void {
    if (this.state.problem === undefined) this.state = { problem, since: Date.now() };
    else this.state = { problem, since: this.state.since };
  }

  /** Since when the member has had a problem (undefined when it has none). */
  troubledSince(): number | undefined {
    return this.state.problem === undefined ? undefined : this.state.since;
  }

  progressed(topic: string, partition: number): void {
    this.progressAt.set(`${topic}/${partition}`, Date.now());
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const remove of this.removers) remove();
    const open = this.admin;
    this.admin = undefined;
    await open?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private notReady(): string | undefined {
    const now = Date.now();
    if (this.state.problem !== undefined) {
      const seconds = Math.round((now - this.state.since) / 1000);
      return `${this.state.problem} (for ${seconds} s)`;
    }
    if (this.lagError && now - this.lagError.since > healthBounds.stuckAfterMs)
      return `lag unreadable for ${Math.round((now - this.lagError.since) / 1000)} s: ${this.lagError.message}`;
    const stuck = this.stuckPartitions(now, healthBounds.stuckAfterMs);
    return stuck.length > 0 ? `stuck: no progress with lag on ${stuck.join(", ")}` : undefined;
  }

  private notLive(): string | undefined {
    const now = Date.now();
    const limit = healthBounds.deadAfterMs;
    if (this.state.problem !== undefined && now - this.state.since > limit)
      return `not recovered within ${limit} ms: ${this.state.problem}`;
    if (this.lagError && now - this.lagError.since > limit)
      return `lag unreadable for more than ${limit} ms: ${this.lagError.message}`;
    const stuck = this.stuckPartitions(now, limit);
    return stuck.length > 0 ? `stuck for more than ${limit} ms on ${stuck.join(", ")}` : undefined;
  }

  private stuckPartitions(now: number, afterMs: number): string[] {
    return this.lags
      .filter(({ topic, partition, lag }) => {
        const since = this.progressAt.get(`${topic}/${partition}`) ?? now;
        return lag > 0 && now - since > afterMs;
      })
      .map(({ topic, partition, lag }) => `${topic}/${partition} (lag ${lag})`);
  }

  private poll(): Promise<void> {
    this.polling ??= this.readLags().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async readLags(): Promise<void> {
    try {
      const owned = Object.entries(this.assignment).filter(([, partitions]) => partitions.length > 0);
      const admin = await this.connectedAdmin();
      const lags = await withTimeout(
        Promise.all(
          owned.map(async ([topic, partitions]) =>
            (await partitionLags(admin, this.groupId, topic, partitions)).map((entry) => ({
              topic,
              ...entry,
            })),
          ),
        ),
        lagReadTimeoutMs,
        "reading the lag",
      );
      const now = Date.now();
      const previous = new Map(this.lags.map((entry) => [`${entry.topic}/${entry.partition}`, entry.lag]));
      this.lags = lags.flat();
      // Lag that fell is progress too (another member's commit before a rebalance, markers).
      for (const entry of this.lags) {
        const key = `${entry.topic}/${entry.partition}`;
        const before = previous.get(key);
        if (entry.lag === 0 || (before !== undefined && entry.lag < before)) this.progressAt.set(key, now);
      }
      this.lagError = undefined;
    } catch (error) {
      this.lagError ??= { message: (error as Error).message, since: Date.now() };
      // A broken admin connection is made anew at the next poll.
      const open = this.admin;
      this.admin = undefined;
      void open?.then((connected) => connected.disconnect()).catch(() => undefined);
      metrics.lagFailures.inc({ stage: this.stage });
    }
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const created = this.kafka.admin();
      await withTimeout(created.connect(), lagReadTimeoutMs, "connecting to the broker");
      return created;
    })().catch((error: unknown) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }
}
