import { randomUUID } from "node:crypto";
import { AssignerProtocol, type IHeaders, type Message, type PartitionMetadata } from "kafkajs";
import { protocolError } from "./errors";

/** A record as consumers receive it (kafkajs' RecordBatchEntry): built once at append, shared by readers. */
export interface StoredRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly attributes: number;
  readonly offset: string;
  readonly headers: IHeaders;
}

const toBuffer = (value: Buffer | string): Buffer => (typeof value === "string" ? Buffer.from(value) : value);

/** Header values arrive as Buffers on a real consumer, whatever the producer sent. */
function storedHeaders(headers: IHeaders | undefined): IHeaders {
  const stored: IHeaders = {};
  if (!headers) return stored;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    stored[name] = Array.isArray(value) ? value.map(toBuffer) : toBuffer(value);
  }
  return stored;
}

/** One partition: an append-only log. `base` is the low watermark (kept for retention/persistence later). */
export class PartitionLog {
  readonly records: StoredRecord[] = [];
  base = 0;

  get high(): number {
    return this.base + this.records.length;
  }

  append(messages: readonly Message[], now: string): number {
    const first = this.high;
    let offset = first;
    for (const message of messages) {
      this.records.push({
        key: message.key === null || message.key === undefined ? null : toBuffer(message.key),
        value: message.value === null ? null : toBuffer(message.value),
        timestamp: message.timestamp ?? now,
        attributes: 0,
        offset: String(offset++),
        headers: storedHeaders(message.headers),
      });
    }
    return first;
  }

  /** Records from `from` on, at most `maxRecords` and about `maxBytes` (always at least one). */
  read(from: number, maxRecords: number, maxBytes: number): StoredRecord[] {
    const start = Math.max(from, this.base) - this.base;
    let end = Math.min(this.records.length, start + maxRecords);
    if (maxBytes < Number.MAX_SAFE_INTEGER) {
      let bytes = 0;
      for (let index = start; index < end; index++) {
        const record = this.records[index] as StoredRecord;
        bytes += (record.value?.length ?? 0) + (record.key?.length ?? 0) + 64;
        if (bytes > maxBytes && index > start) {
          end = index;
          break;
        }
      }
    }
    return this.records.slice(start, end);
  }
}

export class Topic {
  readonly partitions: PartitionLog[];
  readonly metadata: PartitionMetadata[];

  constructor(
    readonly name: string,
    partitions: number,
    readonly configs: Readonly<Record<string, string>>,
  ) {
    this.partitions = Array.from({ length: partitions }, () => new PartitionLog());
    this.metadata = this.partitions.map((_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    }));
  }

  /** Adds partitions (kafkajs admin.createPartitions): existing ones keep their records. */
  grow(count: number): void {
    if (count <= this.partitions.length)
      throw protocolError(
        "INVALID_PARTITIONS",
        37,
        `Topic ${this.name} has ${this.partitions.length} partitions; ${count} would not add any`,
      );
    while (this.partitions.length < count) {
      this.metadata.push({ ...(this.metadata[0] as PartitionMetadata), partitionId: this.partitions.length });
      this.partitions.push(new PartitionLog());
    }
  }

  partition(partition: number): PartitionLog {
    const log = this.partitions[partition];
    if (!log)
      throw protocolError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        3,
        `This server does not host this topic-partition (${this.name}/${partition})`,
      );
    return log;
  }
}

/** What a group needs from a member consumer. */
export interface GroupMember {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** The member's assigners' protocols, in its order of preference. */
  readonly protocols: readonly { name: string; metadata: Buffer }[];
  /** The leader's assigners run the assignment (kafkajs: the group leader assigns). */
  assign(
    protocol: string,
    members: { memberId: string; memberMetadata: Buffer }[],
    topics: string[],
  ): Promise<{ memberId: string; memberAssignment: Buffer }[]>;
  /** A new generation: the partitions it owns from now on (only of topics it subscribed to). */
  rebalanced(generation: number, assignment: Record<string, number[]>): void;
  /** Something happened that may let it fetch: records appended, a partition released. */
  wake(): void;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** A consumer group: members, the current generation's assignment, committed offsets. */
export class Group {
  readonly members = new Map<string, GroupMember>();
  readonly committed = new Map<string, Map<number, { offset: string; metadata: string | null }>>();
  /** Which member is handling a batch of a partition right now; a new owner waits for it. */
  readonly leases = new Map<string, string>();
  /** Per member of the current generation: topic → partitions. */
  readonly owned = new Map<string, Map<string, Set<number>>>();
  generation = 0;
  protocol = "";
  private rebalancing: Promise<void> = Promise.resolve();

  constructor(readonly groupId: string) {}

  commit(topic: string, partition: number, offset: string, metadata: string | null = null): void {
    let partitions = this.committed.get(topic);
    if (!partitions) {
      partitions = new Map();
      this.committed.set(topic, partitions);
    }
    partitions.set(partition, { offset, metadata });
  }

  committedOffset(topic: string, partition: number): string | undefined {
    return this.committed.get(topic)?.get(partition)?.offset;
  }

  owns(memberId: string, topic: string, partition: number): boolean {
    return this.owned.get(memberId)?.get(topic)?.has(partition) ?? false;
  }

  /** Runs a rebalance after those already queued; resolves when the new generation is handed out. */
  rebalance(): Promise<void> {
    const next = this.rebalancing.then(() => this.assign());
    this.rebalancing = next.catch(() => undefined);
    return next;
  }

  release(topic: string, partition: number, memberId: string): void {
    const key = partitionKey(topic, partition);
    if (this.leases.get(key) !== memberId) return;
    this.leases.delete(key);
    for (const member of this.members.values()) if (member.memberId !== memberId) member.wake();
  }

  private async assign(): Promise<void> {
    const members = [...this.members.values()];
    this.generation++;
    const generation = this.generation;
    this.owned.clear();
    if (members.length === 0) return;
    const [leader] = members as [GroupMember];
    const protocol = leader.protocols.find(({ name }) =>
      members.every((member) => member.protocols.some((each) => each.name === name)),
    );
    if (!protocol)
      throw protocolError(
        "INCONSISTENT_GROUP_PROTOCOL",
        23,
        `The group member's supported protocols are incompatible with those of existing members (${this.groupId})`,
      );
    this.protocol = protocol.name;
    const topics = [...new Set(members.flatMap((member) => member.topics))].sort();
    const assignments = await leader.assign(
      protocol.name,
      members.map((member) => ({
        memberId: member.memberId,
        memberMetadata: member.protocols.find(({ name }) => name === protocol.name)?.metadata as Buffer,
      })),
      topics,
    );
    // A newer rebalance (a member came or went while the assigner ran) supersedes this one.
    if (generation !== this.generation) return;
    const byMember = new Map(assignments.map((entry) => [entry.memberId, entry.memberAssignment]));
    for (const member of members) {
      if (!this.members.has(member.memberId)) continue;
      const encoded = byMember.get(member.memberId);
      const decoded = encoded ? AssignerProtocol.MemberAssignment.decode(encoded)?.assignment : undefined;
      // kafkajs drops partitions of topics the member did not subscribe to.
      const subscribed = new Set(member.topics);
      const assignment: Record<string, number[]> = {};
      for (const [topic, partitions] of Object.entries(decoded ?? {}))
        if (subscribed.has(topic)) assignment[topic] = [...partitions].sort((a, b) => a - b);
      this.owned.set(
        member.memberId,
        new Map(Object.entries(assignment).map(([topic, partitions]) => [topic, new Set(partitions)])),
      );
      member.rebalanced(generation, assignment);
    }
  }
}

export interface BrokerOptions {
  /** Partitions of a topic created implicitly (by a producer or a subscription). Kafka's default is 1. */
  readonly defaultPartitions?: number;
  /** Records per batch handed to eachBatch at most. */
  readonly maxBatchRecords?: number;
}

type ProducerState = { epoch: number };

/**
 * All state of one in-process cluster: topics and their logs, consumer groups and their offsets,
 * transactional ids and their epochs. Everything lives here (and nowhere in the clients), so that
 * persisting it to a folder later is a matter of this one object.
 */
export class Broker {
  readonly clusterId = `in-process-${randomUUID()}`;
  readonly topics = new Map<string, Topic>();
  readonly groups = new Map<string, Group>();
  private readonly transactional = new Map<string, ProducerState>();
  /** Consumers to wake when a topic gets records. */
  private readonly readers = new Map<string, Set<GroupMember>>();
  readonly defaultPartitions: number;
  readonly maxBatchRecords: number;

  constructor(options: BrokerOptions = {}) {
    this.defaultPartitions = options.defaultPartitions ?? 1;
    this.maxBatchRecords = options.maxBatchRecords ?? 1000;
  }

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): boolean {
    if (this.topics.has(name)) return false;
    if (!Number.isInteger(partitions) || partitions < 1)
      throw protocolError(
        "INVALID_PARTITIONS",
        37,
        `Number of partitions is invalid (${name}: ${partitions})`,
      );
    this.topics.set(name, new Topic(name, partitions, configs));
    for (const reader of this.readers.get(name) ?? []) reader.wake();
    return true;
  }

  topic(name: string, autoCreate = false): Topic {
    let topic = this.topics.get(name);
    if (!topic && autoCreate) {
      this.createTopic(name, this.defaultPartitions);
      topic = this.topics.get(name);
    }
    if (!topic)
      throw protocolError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        3,
        `This server does not host this topic-partition (${name})`,
      );
    return topic;
  }

  deleteTopic(name: string): void {
    if (!this.topics.delete(name))
      throw protocolError(
        "UNKNOWN_TOPIC_OR_PARTITION",
        3,
        `This server does not host this topic-partition (${name})`,
      );
    for (const group of this.groups.values()) group.committed.delete(name);
  }

  /** Appends records partition by partition, then wakes the topic's readers once. */
  append(batches: readonly { topic: Topic; partition: number; messages: Message[] }[]): number[] {
    const now = String(Date.now());
    const bases = batches.map(({ topic, partition, messages }) =>
      topic.partition(partition).append(messages, now),
    );
    const woken = new Set<GroupMember>();
    for (const { topic } of batches)
      for (const reader of this.readers.get(topic.name) ?? []) woken.add(reader);
    for (const reader of woken) reader.wake();
    return bases;
  }

  group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  addReader(topic: string, reader: GroupMember): void {
    let readers = this.readers.get(topic);
    if (!readers) {
      readers = new Set();
      this.readers.set(topic, readers);
    }
    readers.add(reader);
  }

  removeReader(reader: GroupMember): void {
    for (const readers of this.readers.values()) readers.delete(reader);
  }

  /** InitProducerId with a transactional id: a new epoch, which fences every older producer of the id. */
  initTransactional(transactionalId: string): number {
    const state = this.transactional.get(transactionalId) ?? { epoch: -1 };
    state.epoch++;
    this.transactional.set(transactionalId, state);
    return state.epoch;
  }

  checkEpoch(transactionalId: string, epoch: number): void {
    if (this.transactional.get(transactionalId)?.epoch !== epoch)
      throw protocolError(
        "PRODUCER_FENCED",
        90,
        `There is a newer producer with the same transactionalId which fences the current one (${transactionalId})`,
      );
  }
}
