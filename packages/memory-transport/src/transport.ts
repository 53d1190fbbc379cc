import type * as K from "@cx/kafka";
import { Member } from "./consumer";
import { murmur2, PartitionLog, toBuffer } from "./log";

export interface InMemoryTransportOptions {
  /** Partitions of a topic created on first use (default 6). */
  readonly defaultPartitions?: number;
  /**
   * Drops the records of non-compacted topics once every group subscribed to them has committed past
   * them, so a long run in one process does not keep them all (default false). The partition's low
   * offset moves up: a reader that starts later, or has committed nothing, begins there.
   */
  readonly dropConsumed?: boolean;
}

export interface InMemoryTransport extends K.Transport {
  /** Resolves once every running consumer has read all it can see and has no batch in hand. */
  idle(): Promise<void>;
}

type Topic = { readonly logs: PartitionLog[]; readonly compacted: boolean; unkeyed: number };
/** Members run oldest first: the last one owns every partition. `topics`: those any member subscribed to. */
export type Group = {
  readonly committed: Map<string, number>;
  readonly topics: Set<string>;
  members: Member[];
};
type Routed = { readonly topic: string; readonly partition: number; readonly message: K.Message };

/** What every client of one in-memory transport shares. */
export class Broker {
  readonly topics = new Map<string, Topic>();
  readonly groups = new Map<string, Group>();
  /** The newest producer of each transactional id: any older one is fenced. */
  readonly transactionalOwners = new Map<string, object>();
  private changeWaiters: (() => void)[] = [];

  constructor(readonly options: InMemoryTransportOptions) {}

  topic(name: string, partitions = this.options.defaultPartitions ?? 6, compacted = false): Topic {
    const topic = this.topics.get(name) ?? { logs: [], compacted, unkeyed: 0 };
    if (topic.logs.length === 0)
      for (let i = 0; i < partitions; i++) topic.logs.push(new PartitionLog(compacted));
    this.topics.set(name, topic);
    return topic;
  }

  log(topic: string, partition: number): PartitionLog {
    const log = this.topic(topic).logs[partition];
    if (!log) throw new Error(`topic ${topic} has no partition ${partition}`);
    return log;
  }

  group(id: string): Group {
    const group = this.groups.get(id) ?? { committed: new Map(), topics: new Set(), members: [] };
    this.groups.set(id, group);
    return group;
  }

  /** kafkajs' DefaultPartitioner: the record's partition, else its key's murmur2, else round robin. */
  route(topic: string, messages: readonly K.Message[]): Routed[] {
    const entry = this.topic(topic);
    return messages.map((message) => {
      const hash = message.key == null ? undefined : murmur2(toBuffer(message.key)) & 0x7fffffff;
      return {
        topic,
        message,
        partition: message.partition ?? (hash ?? entry.unkeyed++) % entry.logs.length,
      };
    });
  }

  /** Appends records and commits offsets in one step (a send, or a transaction's commit), then wakes readers. */
  write(records: readonly Routed[], offsets: readonly K.GroupOffsets[] = []): number[] {
    const written = records.map(({ topic, partition, message }) =>
      this.log(topic, partition).append(message),
    );
    for (const { consumerGroupId, topics } of offsets)
      this.commit(
        consumerGroupId,
        topics.flatMap(({ topic, partitions }) => partitions.map((p) => ({ topic, ...p }))),
      );
    for (const group of this.groups.values()) for (const member of group.members) member.wake();
    return written;
  }

  commit(groupId: string, offsets: readonly K.TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      this.group(groupId).committed.set(`${topic}/${partition}`, Number(offset));
      const readers = [...this.groups.values()].filter((group) => group.topics.has(topic));
      if (!this.options.dropConsumed || this.topic(topic).compacted || readers.length === 0) continue;
      const done = readers.map((group) => group.committed.get(`${topic}/${partition}`) ?? 0);
      this.log(topic, partition).dropBelow(Math.min(...done));
    }
  }

  /** Resolves at the next change that may leave the transport idle (a consumer waits or leaves). */
  nextChange = () => new Promise<void>((resolve) => this.changeWaiters.push(resolve));

  changed(): void {
    for (const resolve of this.changeWaiters.splice(0)) resolve();
  }
}

/** One RecordMetadata per partition written; a base offset only where the records are in the log. */
function metadata(records: readonly Routed[], offsets: readonly number[] = []): K.RecordMetadata[] {
  const byPartition = new Map<string, K.RecordMetadata>();
  for (const [index, { topic: topicName, partition }] of records.entries()) {
    const baseOffset = offsets[index] === undefined ? {} : { baseOffset: String(offsets[index]) };
    if (!byPartition.has(`${topicName}/${partition}`))
      byPartition.set(`${topicName}/${partition}`, { topicName, partition, errorCode: 0, ...baseOffset });
  }
  return [...byPartition.values()];
}

function createProducer(broker: Broker, { transactionalId: id }: K.ProducerConfig): K.Producer {
  const identity = {};
  let registered = false;
  let open: K.Transaction | undefined;
  const route = ({ topicMessages = [] }: K.ProducerBatch) =>
    topicMessages.flatMap(({ topic, messages }) => broker.route(topic, messages));
  const checkNotFenced = () => {
    if (id === undefined || broker.transactionalOwners.get(id) === identity) return;
    const error = new Error(`producer fenced: a newer producer has the transactional id ${id}`);
    throw Object.assign(error, { name: "ProducerFencedError" });
  };
  const sendBatch = async (batch: K.ProducerBatch) => {
    if (id !== undefined) throw new Error(`producer ${id} is transactional: it sends in transactions`);
    const records = route(batch);
    return metadata(records, broker.write(records));
  };
  /** Records and offsets are buffered, to become visible together at commit, or never. */
  const transaction = (): K.Transaction => {
    let records: Routed[] = [];
    const offsets: K.GroupOffsets[] = [];
    let active = true;
    const checkActive = () => {
      if (!active) throw new Error(`the transaction of ${id} is over`);
      checkNotFenced();
    };
    const self: K.Transaction = {
      send: (record) => self.sendBatch({ topicMessages: [record] }),
      async sendBatch(batch) {
        checkActive();
        const routed = route(batch);
        records.push(...routed);
        return metadata(routed);
      },
      async sendOffsets(groupOffsets) {
        checkActive();
        offsets.push(groupOffsets);
      },
      async commit() {
        checkActive();
        active = false;
        broker.write(records, offsets);
      },
      async abort() {
        active = false;
        records = [];
      },
      isActive: () => active,
    };
    return self;
  };
  return {
    connect: async () => undefined,
    disconnect: async () => open?.abort(),
    send: (record) => sendBatch({ topicMessages: [record] }),
    sendBatch,
    async transaction() {
      if (id === undefined) throw new Error("transaction() needs a producer with a transactionalId");
      // As with kafkajs, the id is claimed at the first transaction: its previous producer is fenced.
      if (!registered) broker.transactionalOwners.set(id, identity);
      registered = true;
      checkNotFenced();
      if (open?.isActive()) throw new Error(`producer ${id} already has a transaction open`);
      open = transaction();
      return open;
    },
  };
}

function createAdmin(broker: Broker): K.Admin {
  const partitions = (topic: string) =>
    broker.topic(topic).logs.map((log, partition) => ({ log, partition }));
  return {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [...broker.topics.keys()],
    async createTopics({ topics }) {
      const missing = topics.filter(({ topic }) => !broker.topics.has(topic));
      for (const { topic, numPartitions, configEntries = [] } of missing) {
        const policy = configEntries.find(({ name }) => name === "cleanup.policy")?.value ?? "";
        broker.topic(topic, numPartitions, policy.split(",").includes("compact"));
      }
      return missing.length > 0;
    },
    fetchTopicMetadata: async ({ topics }) => ({
      topics: (topics.length > 0 ? topics : [...broker.topics.keys()]).map((name) => ({
        name,
        partitions: partitions(name).map(({ partition }) => ({ partitionId: partition })),
      })),
    }),
    fetchTopicOffsets: async (topic) =>
      partitions(topic).map(({ log, partition }) => {
        const [high, low] = [String(log.high), String(log.low())];
        return { partition, offset: high, high, low };
      }),
    fetchOffsets: async ({ groupId, topics }) =>
      topics.map((topic) => ({
        topic,
        partitions: partitions(topic).map(({ partition }) => {
          const offset = broker.group(groupId).committed.get(`${topic}/${partition}`) ?? -1;
          return { partition, offset: String(offset) };
        }),
      })),
    async deleteGroups(groupIds) {
      const busy = groupIds.filter((groupId) => (broker.groups.get(groupId)?.members.length ?? 0) > 0);
      if (busy.length > 0) throw new Error(`groups ${busy} still have running members`);
      for (const groupId of groupIds) broker.groups.delete(groupId);
      return groupIds.map((groupId) => ({ groupId, errorCode: 0 }));
    },
  };
}

/**
 * Kafka in memory behind the pipeline's transport, for runs in one process and for tests:
 * partitions are arrays, a group's newest member owns all its partitions, transactions are buffered
 * until commit. Deterministic: nothing waits on a timer, so the same inputs interleave the same way.
 */
export function createInMemoryTransport(options: InMemoryTransportOptions = {}): InMemoryTransport {
  const broker = new Broker(options);
  return {
    consumer: (config) => new Member(broker, config),
    producer: (config = {}) => createProducer(broker, config),
    admin: () => createAdmin(broker),
    async idle() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if ([...broker.groups.values()].every((group) => group.members.every((member) => member.isIdle())))
          return;
        await broker.nextChange();
      }
    },
  };
}
