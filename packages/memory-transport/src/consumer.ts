import { EventEmitter } from "node:events";
import type * as K from "@cx/kafka";
import type { PartitionLog } from "./log";
import type { Broker } from "./transport";

/** kafkajs' default maxBytesPerPartition: a backlog comes in several batches. */
const defaultBatchBytes = 1024 * 1024;
const eventNames = ["GROUP_JOIN", "REBALANCING", "CRASH", "END_BATCH_PROCESS"] as const;
const events = Object.fromEntries(eventNames.map((name) => [name, `consumer.${name.toLowerCase()}`]));
type Topics = { topic: string; partitions?: number[] }[];
/** An assigned partition and the next offset to fetch from it (past the last one resolved). */
type Owned = { readonly topic: string; readonly partition: number; readonly log: PartitionLog; next: number };
let memberCount = 0;

/**
 * A consumer group member. One process needs no assignor: the group's newest running member owns every
 * partition of its topics, whatever the strategy; the one it replaces is left with none, its batch in
 * hand stale. Records are fetched as they arrive (no timers), a batch per partition.
 */
export class Member implements K.Consumer {
  readonly events = events as typeof K.consumerEvents;
  private readonly memberId = `member-${++memberCount}`;
  private readonly emitter = new EventEmitter();
  private readonly topics = new Set<string>();
  private readonly paused = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private owned = new Map<string, Owned>();
  private fromBeginning = false;
  private runConfig: K.ConsumerRunConfig | undefined;
  /** Changes at every assignment: a batch fetched under an earlier one is stale. */
  private generation = 0;
  private turn = 0;
  private fetchScheduled = false;
  connect = async () => {};
  disconnect = () => this.stop();
  pause = (topics: Topics) => this.setPaused(topics, true);
  resume = (topics: Topics) => this.setPaused(topics, false);
  /** No batch in hand and nothing left to fetch (paused partitions count: they will be resumed). */
  isIdle = () =>
    this.inFlight.size === 0 && [...this.owned.values()].every(({ log, next }) => next >= log.high);

  constructor(
    private readonly broker: Broker,
    private readonly config: K.ConsumerConfig,
  ) {}

  async subscribe({ topics, fromBeginning = false }: { topics: string[]; fromBeginning?: boolean }) {
    for (const topic of topics) this.topics.add(topic);
    for (const topic of topics) this.broker.group(this.config.groupId).topics.add(topic);
    this.fromBeginning = fromBeginning;
  }

  /** Joins the group, taking every partition over, and returns; the batches follow, as with kafkajs. */
  async run(config: K.ConsumerRunConfig): Promise<void> {
    if (this.runConfig) throw new Error(`${this.memberId} is already running`);
    this.runConfig = config;
    const { members } = this.broker.group(this.config.groupId);
    members.at(-1)?.assign(false);
    members.push(this);
    this.assign(true);
  }

  /** Lets the batches in hand finish, then leaves the group: the next newest member takes over. */
  async stop(): Promise<void> {
    if (!this.runConfig) return;
    this.runConfig = undefined;
    await Promise.all(this.inFlight.values());
    const { members } = this.broker.group(this.config.groupId);
    const wasOwner = members.at(-1) === this;
    members.splice(members.indexOf(this), 1);
    this.assign(false);
    if (wasOwner) members.at(-1)?.assign(true);
    this.broker.changed();
  }

  async commitOffsets(offsets: K.TopicPartitionOffset[]): Promise<void> {
    const foreign = offsets.filter(({ topic, partition }) => !this.owned.has(`${topic}/${partition}`));
    if (foreign.length > 0) throw new Error(`${this.memberId} does not own ${JSON.stringify(foreign)}`);
    for (const { topic, ...offset } of offsets) this.broker.commit(this.config.groupId, topic, [offset]);
  }

  on(event: string, listener: (event: never) => void): K.RemoveListener {
    const handler = listener as (event: unknown) => void;
    this.emitter.on(event, handler);
    return () => this.emitter.off(event, handler);
  }

  /** Fetches what there is to fetch on the next turn of the event loop, so other work runs in between. */
  wake(): void {
    if (!this.fetchScheduled && this.runConfig) setImmediate(() => this.fetchReady());
    this.fetchScheduled = true;
  }

  private setPaused(topics: Topics, paused: boolean): void {
    const all = (topic: string) => this.broker.topic(topic).logs.map((_, partition) => partition);
    for (const { topic, partitions = all(topic) } of topics)
      for (const partition of partitions) this.paused[paused ? "add" : "delete"](`${topic}/${partition}`);
    this.wake();
  }

  /** Takes every partition of the subscribed topics, from the group's commits, or gives them all up. */
  private assign(owner: boolean): void {
    this.generation++;
    if (this.runConfig && !owner && this.owned.size > 0) this.emitter.emit(this.events.REBALANCING);
    const { committed } = this.broker.group(this.config.groupId);
    const memberAssignment: Record<string, number[]> = {};
    this.owned = new Map();
    for (const topic of owner ? this.topics : [])
      for (const [partition, log] of this.broker.topic(topic).logs.entries()) {
        const next = committed.get(`${topic}/${partition}`) ?? (this.fromBeginning ? log.low() : log.high);
        this.owned.set(`${topic}/${partition}`, { topic, partition, log, next });
        memberAssignment[topic] = [...(memberAssignment[topic] ?? []), partition];
      }
    if (this.runConfig)
      this.emitter.emit(this.events.GROUP_JOIN, { payload: { memberId: this.memberId, memberAssignment } });
    this.wake();
  }

  /** Starts batches of the partitions with records to fetch, up to partitionsConsumedConcurrently at once. */
  private fetchReady(): void {
    this.fetchScheduled = false;
    if (!this.runConfig) return;
    const room = Math.max(1, this.runConfig?.partitionsConsumedConcurrently ?? 1) - this.inFlight.size;
    // Starting one partition further each time shares the turns out among busy partitions.
    const owned = [...this.owned];
    const start = this.turn++ % Math.max(1, owned.length);
    const ready = [...owned.slice(start), ...owned.slice(0, start)].filter(
      ([key, { log, next }]) => !this.inFlight.has(key) && !this.paused.has(key) && next < log.high,
    );
    for (const [key, partition] of ready.slice(0, Math.max(0, room))) this.fetch(key, partition);
    if (this.inFlight.size === 0) this.broker.changed();
  }

  private fetch(key: string, owned: Owned): void {
    const { topic, partition, log } = owned;
    const { messages, lastOffset } = log.read(owned.next, this.config.maxBytes ?? defaultBatchBytes);
    const [config, generation, highWatermark] = [this.runConfig, this.generation, `${log.high}`];
    const ended = (batchSize: number) =>
      this.emitter.emit(this.events.END_BATCH_PROCESS, {
        payload: { topic, partition, batchSize, lastOffset, highWatermark },
      });
    if (messages.length === 0) {
      owned.next = log.high; // only a gap left by compaction or a drop: nothing for eachBatch
      ended(0);
      return;
    }
    const batch = { topic, partition, highWatermark, messages, lastOffset: () => lastOffset };
    const payload: K.EachBatchPayload = {
      batch: { ...batch, isEmpty: () => false, firstOffset: () => messages[0]?.offset ?? null },
      // A stale batch moves a detached Owned: the new assignment starts from the group's commits.
      resolveOffset: (offset) => {
        owned.next = Math.max(owned.next, Number(offset) + 1);
      },
      heartbeat: async () => {},
      pause: () => {
        this.pause([{ topic, partitions: [partition] }]);
        return () => this.resume([{ topic, partitions: [partition] }]);
      },
      isRunning: () => this.runConfig !== undefined,
      isStale: () => generation !== this.generation,
    };
    const handling = (async () => {
      try {
        await config?.eachBatch(payload);
        if (config?.eachBatchAutoResolve ?? true) payload.resolveOffset(lastOffset);
        ended(messages.length);
      } catch (error) {
        // As kafkajs when it does not restart: the member leaves its group, the batch uncommitted.
        this.emitter.emit(this.events.CRASH, { payload: { error, restart: false } });
        void this.stop();
      } finally {
        this.inFlight.delete(key);
        this.wake();
      }
    })();
    this.inFlight.set(key, handling);
  }
}
