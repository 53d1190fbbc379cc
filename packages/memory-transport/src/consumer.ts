import type * as K from "@cx/kafka";
import type { PartitionLog } from "./log";
import type { Broker } from "./transport";

const maxBatchRecords = 10_000;
/** kafkajs' default maxBytesPerPartition: a backlog comes in several batches. */
const defaultBatchBytes = 1024 * 1024;
type Topics = { topic: string; partitions?: number[] }[];
/** An assigned partition and the next offset to fetch from it (past the last one resolved). */
type Owned = { readonly topic: string; readonly partition: number; readonly log: PartitionLog; next: number };
let memberCount = 0;

/**
 * A consumer group member. One process needs no assignor: the group's newest running member owns
 * every partition of its topics, whatever the assignment strategy; the one it replaces is left with
 * none, and its batch in hand becomes stale. Records are fetched as they arrive (no timers), a batch
 * per partition, `partitionsConsumedConcurrently` batches in flight.
 */
export class Member implements K.Consumer {
  readonly events: typeof K.consumerEvents = {
    GROUP_JOIN: "consumer.group_join",
    REBALANCING: "consumer.rebalancing",
    CRASH: "consumer.crash",
    END_BATCH_PROCESS: "consumer.end_batch_process",
  };
  private readonly memberId: string;
  private readonly listeners = new Map<string, Set<(event: unknown) => void>>();
  private readonly topics = new Set<string>();
  private fromBeginning = false;
  private runConfig: K.ConsumerRunConfig | undefined;
  private running = false;
  private looping: Promise<void> | undefined;
  /** Changes at every assignment: a batch fetched under an earlier one is stale. */
  private generation = 0;
  private owned = new Map<string, Owned>();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private turn = 0;
  private woken = false;
  private wakeup: (() => void) | undefined;

  constructor(
    private readonly broker: Broker,
    private readonly config: K.ConsumerConfig,
  ) {
    this.memberId = `${config.groupId}-member-${++memberCount}`;
  }

  connect = async () => undefined;
  disconnect = () => this.stop();

  async subscribe({ topics, fromBeginning = false }: { topics: string[]; fromBeginning?: boolean }) {
    for (const topic of topics) {
      this.broker.topic(topic);
      this.topics.add(topic);
      this.broker.group(this.config.groupId).topics.add(topic);
    }
    this.fromBeginning = fromBeginning;
  }

  /** Joins the group, taking every partition over, and returns; the batches follow (as with kafkajs). */
  async run(config: K.ConsumerRunConfig): Promise<void> {
    if (this.running) throw new Error(`${this.memberId} is already running`);
    [this.runConfig, this.running] = [config, true];
    const { members } = this.broker.group(this.config.groupId);
    members.at(-1)?.assign(false);
    members.push(this);
    this.assign(true);
    this.looping = new Promise((resolve) => setImmediate(resolve)).then(() => this.loop());
  }

  /** Lets the batches in hand finish, then leaves the group: the next newest member takes over. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.looping;
    const { members } = this.broker.group(this.config.groupId);
    const wasOwner = members.at(-1) === this;
    members.splice(members.indexOf(this), 1);
    this.assign(false);
    if (wasOwner) members.at(-1)?.assign(true);
    this.broker.changed();
  }

  async commitOffsets(offsets: K.TopicPartitionOffset[]): Promise<void> {
    const foreign = offsets.filter(({ topic, partition }) => !this.owned.has(`${topic}/${partition}`));
    if (foreign.length > 0)
      throw new Error(
        `${this.memberId} cannot commit partitions assigned elsewhere: ${JSON.stringify(foreign)}`,
      );
    this.broker.commit(this.config.groupId, offsets);
  }

  pause = (topics: Topics) => {
    for (const key of this.keysOf(topics)) this.paused.add(key);
  };

  resume = (topics: Topics) => {
    for (const key of this.keysOf(topics)) this.paused.delete(key);
    this.wake();
  };

  on(event: string, listener: (event: never) => void): K.RemoveListener {
    const listeners = this.listeners.get(event) ?? new Set();
    listeners.add(listener as (event: unknown) => void);
    this.listeners.set(event, listeners);
    return () => listeners.delete(listener as (event: unknown) => void);
  }

  wake(): void {
    this.woken = true;
    this.wakeup?.();
  }

  /** No batch in hand and nothing left to fetch (paused partitions count: they will be resumed). */
  isIdle = () =>
    this.inFlight.size === 0 && [...this.owned.values()].every(({ log, next }) => next >= log.high);

  private keysOf(topics: Topics): string[] {
    return topics.flatMap(({ topic, partitions }) =>
      (partitions ?? this.broker.topic(topic).logs.map((_, index) => index)).map((p) => `${topic}/${p}`),
    );
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  /** Takes every partition of the subscribed topics, from the group's commits, or gives them all up. */
  private assign(owner: boolean): void {
    this.generation++;
    if (this.running && !owner && this.owned.size > 0) this.emit(this.events.REBALANCING, undefined);
    const { committed } = this.broker.group(this.config.groupId);
    const topics = owner ? [...this.topics] : [];
    this.owned = new Map(
      topics.flatMap((topic) =>
        this.broker.topic(topic).logs.map((log, partition) => {
          const next = committed.get(`${topic}/${partition}`) ?? (this.fromBeginning ? log.low() : log.high);
          return [`${topic}/${partition}`, { topic, partition, log, next }] as const;
        }),
      ),
    );
    if (!this.running) return;
    const memberAssignment = Object.fromEntries(
      topics.map((topic) => [topic, this.broker.topic(topic).logs.map((_, partition) => partition)]),
    );
    this.emit(this.events.GROUP_JOIN, { payload: { memberId: this.memberId, memberAssignment } });
    this.wake();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const room = Math.max(1, this.runConfig?.partitionsConsumedConcurrently ?? 1) - this.inFlight.size;
      // Starting the search one partition further each time shares the turns out among busy partitions.
      const owned = [...this.owned];
      const start = this.turn++ % Math.max(1, owned.length);
      const ready = [...owned.slice(start), ...owned.slice(0, start)].filter(
        ([key, { log, next }]) => !this.inFlight.has(key) && !this.paused.has(key) && next < log.high,
      );
      for (const [key, partition] of ready.slice(0, Math.max(0, room))) this.fetch(key, partition);
      // Between batches other work runs; with nothing to do the loop waits for records or a resume.
      if (ready.length > 0 && room > 0) await new Promise((resolve) => setImmediate(resolve));
      else await this.sleep();
    }
    await Promise.all(this.inFlight.values());
  }

  private async sleep(): Promise<void> {
    if (!this.woken) {
      this.broker.changed();
      await new Promise<void>((resolve) => {
        this.wakeup = resolve;
      });
    }
    [this.woken, this.wakeup] = [false, undefined];
  }

  private fetch(key: string, owned: Owned): void {
    const { topic, partition, log } = owned;
    const from = log.indexOf(owned.next);
    let [to, bytes] = [from, 0];
    const maxBytes = this.config.maxBytes ?? defaultBatchBytes;
    while (to < log.entries.length && to - from < maxBatchRecords && (to === from || bytes <= maxBytes))
      bytes += log.entries[to++]?.bytes ?? 0;
    const messages = log.entries.slice(from, to).map((entry) => entry.message);
    const highWatermark = String(log.high);
    // A batch that reaches the end covers the gap compaction or a drop may have left after its last record.
    const lastOffset = to === log.entries.length ? String(log.high - 1) : (messages.at(-1)?.offset ?? "");
    const ended = (batchSize: number) =>
      this.emit(this.events.END_BATCH_PROCESS, {
        payload: { topic, partition, batchSize, lastOffset, highWatermark },
      });
    if (messages.length === 0) {
      owned.next = log.high;
      ended(0);
      return;
    }
    const generation = this.generation;
    // A stale batch's resolveOffset moves a detached Owned: the new assignment starts from the commits.
    const batch: K.Batch = {
      topic,
      partition,
      highWatermark,
      messages,
      isEmpty: () => false,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => lastOffset,
    };
    const payload: K.EachBatchPayload = {
      batch,
      resolveOffset: (offset) => {
        owned.next = Math.max(owned.next, Number(offset) + 1);
      },
      heartbeat: async () => undefined,
      pause: () => {
        this.pause([{ topic, partitions: [partition] }]);
        return () => this.resume([{ topic, partitions: [partition] }]);
      },
      isRunning: () => this.running,
      isStale: () => generation !== this.generation,
    };
    const handling = (async () => {
      try {
        await this.runConfig?.eachBatch(payload);
        if (this.runConfig?.eachBatchAutoResolve ?? true) payload.resolveOffset(lastOffset);
        ended(messages.length);
      } catch (error) {
        // As kafkajs when it does not restart: the member leaves its group, the batch uncommitted.
        this.emit(this.events.CRASH, { payload: { error, restart: false } });
        void this.stop();
      } finally {
        this.inFlight.delete(key);
        this.wake();
      }
    })();
    this.inFlight.set(key, handling);
  }
}
