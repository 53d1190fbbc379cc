import { randomUUID } from "node:crypto";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import {
  type Assigner,
  type Batch,
  type Cluster,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopic,
  type ConsumerSubscribeTopics,
  type EachBatchPayload,
  type GroupDescription,
  type KafkaMessage,
  type Offsets,
  type OffsetsByTopicPartition,
  PartitionAssigners,
  type TopicPartitionOffsetAndMetadata,
  type TopicPartitions,
} from "kafkajs";
import { type Broker, type Group, type GroupMember, type PartitionLog, partitionKey } from "./broker";
import { nonRetriable, protocolError } from "./errors";
import { consumerEvents, Instrumentation, silentLogger } from "./instrumentation";

interface Assigned {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly log: PartitionLog;
}

class InProcessBatch implements Batch {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly messages: KafkaMessage[],
    readonly highWatermark: string,
  ) {}

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  firstOffset(): string | null {
    return this.messages[0]?.offset ?? null;
  }

  lastOffset(): string {
    return this.messages.at(-1)?.offset ?? String(Number(this.highWatermark) - 1);
  }

  offsetLag(): string {
    return String(Math.max(0, Number(this.highWatermark) - 1 - Number(this.lastOffset())));
  }

  offsetLagLow(): string {
    const first = this.firstOffset();
    return String(first === null ? 0 : Math.max(0, Number(this.highWatermark) - 1 - Number(first)));
  }
}

const defaultRetry = { initialRetryTime: 300, maxRetryTime: 30_000, retries: 5, multiplier: 2, factor: 0.2 };

/**
 * A kafkajs consumer on the in-process broker. One loop per member hands batches to the handler,
 * up to `partitionsConsumedConcurrently` partitions at a time, and sleeps until a subscribed topic
 * gets records (no polling, no timers per record).
 */
export class InProcessConsumer implements GroupMember {
  readonly events = consumerEvents;
  private readonly instrumentation = new Instrumentation(Object.values(consumerEvents));
  private readonly group: Group;
  private readonly subscriptions = new Map<string, { fromBeginning: boolean }>();
  private readonly assigners: Assigner[];
  private connected = false;
  private runConfig: ConsumerRunConfig | undefined;
  memberId = "";
  private joined = false;
  private running = false;
  private loopDone: Promise<void> | undefined;
  private pending: { generation: number; assignment: Record<string, number[]> } | undefined;
  private assignment: Record<string, number[]> = {};
  private assigned: Assigned[] = [];
  private cursor = 0;
  /** Next offset to fetch per partition; unset until first fetched in a generation. */
  private readonly positions = new Map<string, number>();
  /** Offsets resolved (processed) and not yet committed: the next offset per partition. */
  private readonly resolved = new Map<string, { topic: string; partition: number; next: number }>();
  private readonly pausedPartitions = new Set<string>();
  private readonly pausedTopics = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Partitions waiting out a back-off after their handler failed. */
  private readonly backingOff = new Set<string>();
  private readonly seeked = new Set<string>();
  private failures = 0;
  private dirty = false;
  private waiter: (() => void) | undefined;
  private protocolsCache: { name: string; metadata: Buffer }[] = [];

  constructor(
    private readonly broker: Broker,
    private readonly config: ConsumerConfig,
    private readonly clientId: string,
  ) {
    if (!config?.groupId) throw nonRetriable("Consumer groupId must be a non-empty string.");
    this.group = broker.group(config.groupId);
    const cluster = {
      findTopicPartitionMetadata: (topic: string) => broker.topic(topic).metadata,
      getNodeIds: () => [0],
      isConnected: () => true,
    } as unknown as Cluster;
    this.assigners = (config.partitionAssigners ?? [PartitionAssigners.roundRobin]).map((create) =>
      create({ cluster, groupId: config.groupId, logger: silentLogger }),
    );
  }

  get topics(): string[] {
    return [...this.subscriptions.keys()];
  }

  get protocols(): { name: string; metadata: Buffer }[] {
    return this.protocolsCache;
  }

  // --- GroupMember -------------------------------------------------------------------------

  assign(protocol: string, members: { memberId: string; memberMetadata: Buffer }[], topics: string[]) {
    const assigner = this.assigners.find((each) => each.name === protocol);
    if (!assigner) throw nonRetriable(`no assigner ${protocol}`);
    return assigner.assign({ members, topics });
  }

  rebalanced(generation: number, assignment: Record<string, number[]>): void {
    this.pending = { generation, assignment };
    this.wake();
  }

  wake(): void {
    this.dirty = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  // --- Consumer ----------------------------------------------------------------------------

  async connect(): Promise<void> {
    this.connected = true;
    this.instrumentation.emit(consumerEvents.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    await this.stop();
    if (!this.connected) return;
    this.connected = false;
    this.instrumentation.emit(consumerEvents.DISCONNECT, null);
  }

  async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic): Promise<void> {
    if (this.running) throw nonRetriable("Cannot subscribe to topic while consumer is running");
    if (!this.connected) throw nonRetriable("The consumer is not connected");
    const topics = "topics" in subscription ? subscription.topics : [subscription.topic];
    const fromBeginning = subscription.fromBeginning ?? false;
    for (const topic of topics) {
      if (typeof topic === "string") {
        this.broker.topic(topic, this.config.allowAutoTopicCreation ?? true);
        this.subscriptions.set(topic, { fromBeginning });
        continue;
      }
      for (const name of this.broker.topics.keys())
        if (topic.test(name)) this.subscriptions.set(name, { fromBeginning });
    }
  }

  async run(config: ConsumerRunConfig = {}): Promise<void> {
    if (this.running) throw nonRetriable("Consumer is already running");
    if (!this.connected) throw nonRetriable("The consumer is not connected");
    if (!config.eachBatch && !config.eachMessage)
      throw nonRetriable('Consumer needs a handler: "eachBatch" or "eachMessage"');
    this.runConfig = config;
    await this.start();
  }

  private async start(): Promise<void> {
    this.running = true;
    this.failures = 0;
    await this.join();
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.running && !this.loopDone) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    this.loopDone = undefined;
    await this.leave();
    this.instrumentation.emit(consumerEvents.STOP, null);
  }

  async commitOffsets(topicPartitions: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    for (const { topic, partition } of topicPartitions) {
      const key = partitionKey(topic, partition);
      if (!this.group.owns(this.memberId, topic, partition) && this.group.leases.get(key) !== this.memberId)
        throw protocolError(
          "REBALANCE_IN_PROGRESS",
          27,
          `The group is rebalancing, so a rejoin is needed (${topic}/${partition} is not this member's)`,
          true,
        );
    }
    for (const { topic, partition, offset, metadata } of topicPartitions) {
      this.group.commit(topic, partition, offset, metadata ?? null);
      const resolved = this.resolved.get(partitionKey(topic, partition));
      if (resolved && resolved.next <= Number(offset)) this.resolved.delete(partitionKey(topic, partition));
    }
    this.instrumentation.emit(consumerEvents.COMMIT_OFFSETS, {
      groupId: this.config.groupId,
      memberId: this.memberId,
      groupGenerationId: this.group.generation,
      topics: topicOffsets(topicPartitions),
    });
  }

  seek({ topic, partition, offset }: { topic: string; partition: number; offset: string }): void {
    const key = partitionKey(topic, partition);
    const log = this.broker.topic(topic).partition(partition);
    const target = Number(offset);
    this.positions.set(key, target < 0 ? (target === -2 ? log.base : log.high) : target);
    this.seeked.add(key);
    this.backingOff.delete(key);
    this.wake();
  }

  async describeGroup(): Promise<GroupDescription> {
    return describeGroup(this.group);
  }

  pause(topics: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      if (!partitions) this.pausedTopics.add(topic);
      else for (const partition of partitions) this.pausedPartitions.add(partitionKey(topic, partition));
    }
  }

  paused(): TopicPartitions[] {
    return Object.entries(this.assignment)
      .map(([topic, partitions]) => ({
        topic,
        partitions: partitions.filter((partition) => this.isPaused(topic, partitionKey(topic, partition))),
      }))
      .filter((entry) => entry.partitions.length > 0);
  }

  resume(topics: { topic: string; partitions?: number[] }[]): void {
    for (const { topic, partitions } of topics) {
      if (!partitions) {
        this.pausedTopics.delete(topic);
        for (const key of [...this.pausedPartitions])
          if (key.startsWith(`${topic}\u0000`)) this.pausedPartitions.delete(key);
      } else for (const partition of partitions) this.pausedPartitions.delete(partitionKey(topic, partition));
    }
    this.wake();
  }

  on(eventName: string, listener: (event: never) => unknown): () => void {
    return this.instrumentation.on(eventName, listener);
  }

  logger() {
    return silentLogger;
  }

  // --- group membership --------------------------------------------------------------------

  private async join(): Promise<void> {
    this.memberId = `${this.clientId}-${randomUUID()}`;
    const topics = this.topics;
    this.protocolsCache = this.assigners.map((assigner) => assigner.protocol({ topics }));
    for (const topic of topics) this.broker.addReader(topic, this);
    this.group.members.set(this.memberId, this);
    this.joined = true;
    const started = Date.now();
    await this.group.rebalance();
    if (this.pending) this.adopt(Date.now() - started);
  }

  private async leave(): Promise<void> {
    if (!this.joined) return;
    this.joined = false;
    this.group.members.delete(this.memberId);
    this.group.owned.delete(this.memberId);
    this.broker.removeReader(this);
    this.pending = undefined;
    this.assignment = {};
    this.assigned = [];
    this.positions.clear();
    this.resolved.clear();
    await this.group.rebalance();
  }

  /** Takes the new generation's partitions; positions start again from the committed offsets. */
  private adopt(duration = 0): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.assignment = pending.assignment;
    this.assigned = Object.entries(pending.assignment).flatMap(([topic, partitions]) => {
      const existing = this.broker.topics.get(topic);
      return existing
        ? partitions.map((partition) => ({
            topic,
            partition,
            key: partitionKey(topic, partition),
            log: existing.partition(partition),
          }))
        : [];
    });
    this.cursor = 0;
    this.positions.clear();
    this.resolved.clear();
    this.backingOff.clear();
    const leaderId = this.group.members.keys().next().value ?? this.memberId;
    this.instrumentation.emit(consumerEvents.GROUP_JOIN, {
      duration,
      groupId: this.config.groupId,
      isLeader: leaderId === this.memberId,
      leaderId,
      groupProtocol: this.group.protocol,
      memberId: this.memberId,
      memberAssignment: pending.assignment,
    });
  }

  // --- fetching ----------------------------------------------------------------------------

  private isPaused(topic: string, key: string): boolean {
    return this.pausedTopics.has(topic) || this.pausedPartitions.has(key);
  }

  private initialPosition({ topic, partition, log }: Assigned): number {
    const committed = this.group.committedOffset(topic, partition);
    if (committed !== undefined && Number(committed) >= 0)
      return Math.min(Math.max(Number(committed), log.base), log.high);
    return this.subscriptions.get(topic)?.fromBeginning ? log.base : log.high;
  }

  /** The next partition with records to hand out, round robin over the assignment. */
  private pick(): Assigned | undefined {
    const count = this.assigned.length;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      const candidate = this.assigned[index] as Assigned;
      const { key, topic } = candidate;
      if (this.inFlight.has(key) || this.isPaused(topic, key)) continue;
      if (this.backingOff.has(key)) continue;
      const lease = this.group.leases.get(key);
      if (lease !== undefined && lease !== this.memberId) continue; // the previous owner is finishing a batch
      let position = this.positions.get(key);
      if (position === undefined) {
        position = this.initialPosition(candidate);
        this.positions.set(key, position);
      }
      if (position >= candidate.log.high) continue;
      this.cursor = index + 1;
      return candidate;
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    const concurrency = Math.max(1, this.runConfig?.partitionsConsumedConcurrently ?? 1);
    while (this.running) {
      this.dirty = false;
      if (this.pending && this.inFlight.size === 0) this.adopt();
      if (!this.pending) {
        while (this.inFlight.size < concurrency) {
          const next = this.pick();
          if (!next) break;
          this.startBatch(next);
        }
      }
      if (!this.dirty && this.running) await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    await Promise.all(this.inFlight.values());
  }

  private startBatch(assigned: Assigned): void {
    this.group.leases.set(assigned.key, this.memberId);
    const done = this.processBatch(assigned).finally(() => {
      this.inFlight.delete(assigned.key);
      this.group.release(assigned.topic, assigned.partition, this.memberId);
      this.wake();
    });
    this.inFlight.set(assigned.key, done);
  }

  private async processBatch(assigned: Assigned): Promise<void> {
    // One turn of the event loop per batch: timers and I/O run between batches however busy it is.
    await yieldToEventLoop();
    const { topic, partition, key, log } = assigned;
    const config = this.runConfig as ConsumerRunConfig;
    const generation = this.group.generation;
    if (!this.running || !this.group.owns(this.memberId, topic, partition)) return;
    const from = this.positions.get(key) ?? log.high;
    const messages = log.read(
      from,
      this.broker.maxBatchRecords,
      this.config.maxBytesPerPartition ?? 1024 * 1024,
    ) as KafkaMessage[];
    if (messages.length === 0) return;
    const batch = new InProcessBatch(topic, partition, messages, String(log.high));
    this.seeked.delete(key);
    const isRunning = () => this.running;
    const isStale = () => this.seeked.has(key) || !this.group.owns(this.memberId, topic, partition);
    const resolveOffset = (offset: string) => {
      const next = Number(offset) + 1;
      if (isStale()) return;
      this.positions.set(key, next);
      this.resolved.set(key, { topic, partition, next });
    };
    const heartbeat = async () => {
      this.instrumentation.emit(consumerEvents.HEARTBEAT, {
        groupId: this.config.groupId,
        memberId: this.memberId,
        groupGenerationId: generation,
      });
    };
    const pause = () => {
      this.pause([{ topic, partitions: [partition] }]);
      return () => this.resume([{ topic, partitions: [partition] }]);
    };
    const autoCommit = config.autoCommit ?? true;
    const batchEvent = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      offsetLag: batch.offsetLag(),
      offsetLagLow: batch.offsetLagLow(),
      batchSize: messages.length,
      firstOffset: batch.firstOffset(),
      lastOffset: batch.lastOffset(),
    };
    const started = Date.now();
    this.instrumentation.emit(consumerEvents.START_BATCH_PROCESS, batchEvent);
    try {
      if (config.eachBatch) {
        const payload: EachBatchPayload = {
          batch,
          resolveOffset,
          heartbeat,
          pause,
          commitOffsetsIfNecessary: async (offsets?: Offsets) => {
            if (offsets) await this.commitOffsets(flattenOffsets(offsets));
            else if (autoCommit) await this.commitResolved();
          },
          uncommittedOffsets: () => this.uncommittedOffsets(),
          isRunning,
          isStale,
        };
        await config.eachBatch(payload);
        if ((config.eachBatchAutoResolve ?? true) && !isStale()) resolveOffset(batch.lastOffset());
      } else if (config.eachMessage) {
        for (const message of messages) {
          if (!isRunning() || isStale()) break;
          await config.eachMessage({ topic, partition, message, heartbeat, pause });
          resolveOffset(message.offset);
        }
      }
      if (autoCommit) await this.commitResolved();
      this.failures = 0;
      this.instrumentation.emit(consumerEvents.END_BATCH_PROCESS, {
        ...batchEvent,
        duration: Date.now() - started,
      });
    } catch (error) {
      if (autoCommit) await this.commitResolved().catch(() => undefined);
      this.failed(error, key);
    }
  }

  private async commitResolved(): Promise<void> {
    const owned = [...this.resolved.values()].filter(
      ({ topic, partition }) =>
        this.group.owns(this.memberId, topic, partition) ||
        this.group.leases.get(partitionKey(topic, partition)) === this.memberId,
    );
    if (owned.length === 0) return;
    await this.commitOffsets(
      owned.map(({ topic, partition, next }) => ({ topic, partition, offset: String(next) })),
    );
  }

  private uncommittedOffsets(): OffsetsByTopicPartition {
    return {
      topics: topicOffsets(
        [...this.resolved.values()].map(({ topic, partition, next }) => ({
          topic,
          partition,
          offset: String(next),
        })),
      ),
    };
  }

  /**
   * A handler threw: like kafkajs, the partition is fetched again from its last resolved offset
   * after a back-off; when the retries are used up the consumer crashes (CRASH event) and, unless
   * `retry.restartOnFailure` says no, rejoins its group as a new member.
   */
  private failed(error: unknown, key: string): void {
    const retry = { ...defaultRetry, ...this.config.retry };
    this.failures++;
    if (this.failures > retry.retries) {
      void this.crash(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const delay = Math.min(
      retry.initialRetryTime *
        retry.multiplier ** (this.failures - 1) *
        (1 + (Math.random() * 2 - 1) * retry.factor),
      retry.maxRetryTime,
    );
    this.backingOff.add(key);
    setTimeout(() => {
      this.backingOff.delete(key);
      this.wake();
    }, delay);
  }

  private async crash(error: Error): Promise<void> {
    const restartOnFailure = this.config.retry?.restartOnFailure;
    const restart = restartOnFailure ? await restartOnFailure(error).catch(() => false) : true;
    this.instrumentation.emit(consumerEvents.CRASH, { error, groupId: this.config.groupId, restart });
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loopDone;
    this.loopDone = undefined;
    await this.leave();
    if (!restart || !this.connected) return;
    await new Promise((resolve) => setTimeout(resolve, this.config.retry?.initialRetryTime ?? 300));
    if (!this.connected || this.running || this.loopDone) return;
    await this.start();
  }
}

function topicOffsets(entries: readonly { topic: string; partition: number; offset: string }[]) {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of entries) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partition, offset });
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

function flattenOffsets(offsets: Offsets): TopicPartitionOffsetAndMetadata[] {
  return offsets.topics.flatMap(({ topic, partitions }) =>
    partitions.map(({ partition, offset }) => ({ topic, partition, offset })),
  );
}

export function describeGroup(group: Group): GroupDescription {
  const members = [...group.members.values()];
  return {
    groupId: group.groupId,
    members: members.map((member) => ({
      clientHost: "in-process",
      clientId: member.memberId.split("-")[0] ?? "",
      memberId: member.memberId,
      memberAssignment: Buffer.alloc(0),
      memberMetadata: member.protocols[0]?.metadata ?? Buffer.alloc(0),
    })),
    protocol: group.protocol,
    protocolType: "consumer",
    state: members.length > 0 ? "Stable" : group.committed.size > 0 ? "Empty" : "Dead",
  };
}

export function createConsumer(broker: Broker, config: ConsumerConfig, clientId: string): Consumer {
  return new InProcessConsumer(broker, config, clientId) as unknown as Consumer;
}
