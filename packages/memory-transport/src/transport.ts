import type * as K from "@cx/kafka";
import { keyPartition } from "@cx/kafka";
import { createConsumer, type Member } from "./consumer";
import { PartitionLog } from "./log";

export interface InMemoryTransportOptions {
  /** Partitions of a topic created on first use (default 6). */
  readonly defaultPartitions?: number;
  /** Drop the records of a non-compacted topic that every group subscribed to it has committed past, so a
   *  long run keeps only what is unread (default false): a reader starting later begins at the new low. */
  readonly dropConsumed?: boolean;
}

export interface InMemoryTransport extends K.Transport {
  /**
   * Resolves once every running consumer (of these groups, or of all) has fetched all it can see and
   * has no batch in hand.
   */
  idle(groupIds?: readonly string[]): Promise<void>;
}

type Topic = { readonly logs: PartitionLog[]; readonly compacted: boolean; unkeyed: number };
/** `members` are running, oldest first (the last owns every partition); `topics`, all they subscribed to. */
type Group = { committed: Map<string, number>; topics: Set<string>; members: Member[] };
type Routed = { readonly topic: string; readonly partition: number; readonly message: K.Message };

/** Kafka in memory behind the pipeline's transport, for runs in one process and tests. Deterministic:
 *  nothing waits on a timer, so the same inputs interleave the same way. */
export const createInMemoryTransport = (options: InMemoryTransportOptions = {}): InMemoryTransport =>
  new Broker(options);

/** What every client of one in-memory transport shares; its own admin client, too. */
export class Broker implements InMemoryTransport, K.Admin {
  readonly topics = new Map<string, Topic>();
  readonly groups = new Map<string, Group>();
  /** The newest producer of each transactional id: any older one is fenced. */
  readonly transactionalOwners = new Map<string, object>();
  private changeWaiters: (() => void)[] = [];
  constructor(readonly options: InMemoryTransportOptions) {}
  consumer = (config: K.ConsumerConfig) => createConsumer(this, config);
  producer = (config: K.ProducerConfig = {}) => createProducer(this, config);
  admin = () => this;
  connect = async () => {};
  disconnect = async () => {};
  listTopics = async () => [...this.topics.keys()];
  describeCluster = async () => ({ clusterId: "in-memory" });
  async deleteTopics({ topics }: { topics: string[] }): Promise<void> {
    for (const name of topics) this.topics.delete(name);
  }
  fetchTopicOffsets = async (topic: string) =>
    this.logs(topic).map((log, partition) => ({ partition, ...log.offsets() }));
  private logs = (topic: string) => this.topic(topic).logs;
  log = (topic: string, partition: number) => this.logs(topic)[partition] as PartitionLog;
  async idle(groupIds?: readonly string[]): Promise<void> {
    const members = () =>
      [...this.groups]
        .filter(([id]) => !groupIds || groupIds.includes(id))
        .flatMap(([, group]) => group.members);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (members().every((member) => member.isIdle())) return;
      await new Promise<void>((resolve) => this.changeWaiters.push(resolve));
    }
  }
  /** Tells idle() to look again: a consumer has nothing to fetch, or left. */
  changed(): void {
    for (const resolve of this.changeWaiters.splice(0)) resolve();
  }
  async createTopics({ topics }: { topics: K.ITopicConfig[] }): Promise<boolean> {
    const missing = topics.filter(({ topic }) => !this.topics.has(topic));
    for (const { topic, numPartitions, configEntries = [] } of missing) {
      const policy = configEntries.find(({ name }) => name === "cleanup.policy")?.value ?? "";
      this.topic(topic, numPartitions, policy.split(",").includes("compact"));
    }
    return missing.length > 0;
  }
  async fetchTopicMetadata({ topics }: { topics: string[] }) {
    const partitions = (name: string) => this.logs(name).map((_, partitionId) => ({ partitionId }));
    return { topics: topics.map((name) => ({ name, partitions: partitions(name) })) };
  }
  async fetchOffsets({ groupId, topics }: { groupId: string; topics: string[] }) {
    const offset = (key: string) => `${this.group(groupId).committed.get(key) ?? -1}`;
    const partitions = (topic: string) =>
      this.logs(topic).map((_, partition) => ({ partition, offset: offset(`${topic}/${partition}`) }));
    return topics.map((topic) => ({ topic, partitions: partitions(topic) }));
  }
  async deleteGroups(groupIds: string[]) {
    const running = groupIds.filter((groupId) => this.group(groupId).members.length > 0);
    if (running.length > 0) throw new Error(`cannot delete groups with running members: ${running}`);
    for (const groupId of groupIds) this.groups.delete(groupId);
    return groupIds.map((groupId) => ({ groupId, errorCode: 0 }));
  }
  /** Called for every record written: no closure is made unless the topic is new (see log.ts). */
  topic(name: string, partitions = this.options.defaultPartitions ?? 6, compacted = false): Topic {
    const known = this.topics.get(name);
    if (known) return known;
    const created = { logs: [] as PartitionLog[], compacted, unkeyed: 0 };
    for (let partition = 0; partition < partitions; partition++)
      created.logs.push(new PartitionLog(compacted));
    this.topics.set(name, created);
    return created;
  }
  group(id: string): Group {
    if (!this.groups.has(id)) this.groups.set(id, { committed: new Map(), topics: new Set(), members: [] });
    return this.groups.get(id) as Group;
  }
  /** kafkajs' DefaultPartitioner: the record's partition, else its key's murmur2, else round robin. */
  route({ topicMessages = [] }: K.ProducerBatch): Routed[] {
    return topicMessages.flatMap(({ topic, messages }) => {
      const entry = this.topic(topic);
      return messages.map((message) => {
        const partition =
          message.partition ??
          (message.key == null
            ? entry.unkeyed++ % entry.logs.length
            : keyPartition(message.key, entry.logs.length));
        if (!entry.logs[partition]) throw new Error(`topic ${topic} has no partition ${partition}`);
        return { topic, message, partition };
      });
    });
  }
  /** Appends records and commits offsets at once (a send, or a transaction's commit), then wakes readers. */
  write(records: readonly Routed[], offsets: readonly K.GroupOffsets[] = []): void {
    for (const { topic, partition, message } of records) this.log(topic, partition).append(message);
    for (const { consumerGroupId, topics } of offsets)
      for (const { topic, partitions } of topics) this.commit(consumerGroupId, topic, partitions);
    for (const group of this.groups.values()) for (const member of group.members) member.wake();
  }
  commit(groupId: string, topic: string, offsets: readonly { partition: number; offset: string }[]): void {
    for (const { partition, offset } of offsets) {
      this.group(groupId).committed.set(`${topic}/${partition}`, Number(offset));
      const readers = [...this.groups.values()].filter((group) => group.topics.has(topic));
      if (!this.options.dropConsumed || this.topic(topic).compacted || readers.length === 0) continue;
      const done = readers.map((group) => group.committed.get(`${topic}/${partition}`) ?? 0);
      this.log(topic, partition).dropBelow(Math.min(...done));
    }
  }
}

/** A Sender handing routed records to `deliver` (one RecordMetadata per record). */
function sender(broker: Broker, deliver: (records: Routed[]) => void): K.Sender {
  const self: K.Sender = {
    send: (record) => self.sendBatch({ topicMessages: [record] }),
    async sendBatch(batch) {
      const records = broker.route(batch);
      deliver(records);
      return records.map(({ topic, partition }) => ({ topicName: topic, partition, errorCode: 0 }));
    },
  };
  return self;
}

/** One transaction at a time, its records and offsets buffered to become visible together at commit, or
 *  never. As with kafkajs, the transactional id is claimed at the first transaction, fencing older producers. */
function createProducer(broker: Broker, { transactionalId: id }: K.ProducerConfig): K.Producer {
  const identity = {};
  let claimed = false;
  let open: { records: Routed[]; offsets: K.GroupOffsets[] } | undefined;
  const checkNotFenced = () => {
    if (broker.transactionalOwners.get(id as string) === identity) return;
    const fenced = new Error(`producer fenced: a newer producer has the transactional id ${id}`);
    throw Object.assign(fenced, { name: "ProducerFencedError" });
  };
  const inTransaction = () => {
    if (!open) throw new Error(`producer ${id} has no transaction open`);
    checkNotFenced();
    return open;
  };
  const transaction: K.Transaction = {
    ...sender(broker, (records) => inTransaction().records.push(...records)),
    sendOffsets: async (groupOffsets) => void inTransaction().offsets.push(groupOffsets),
    async commit() {
      const { records, offsets } = inTransaction();
      open = undefined;
      broker.write(records, offsets);
    },
    async abort() {
      open = undefined;
    },
    isActive: () => open !== undefined,
  };
  return {
    ...sender(broker, (records) => broker.write(records)),
    connect: async () => {},
    disconnect: () => transaction.abort(),
    async transaction() {
      if (id === undefined) throw new Error("transaction() needs a producer with a transactionalId");
      if (!claimed) broker.transactionalOwners.set(id, identity);
      claimed = true;
      checkNotFenced();
      if (open) throw new Error(`producer ${id} already has a transaction open`);
      open = { records: [], offsets: [] };
      return transaction;
    },
  };
}
