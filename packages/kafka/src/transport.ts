/**
 * What the pipeline needs from Kafka, and nothing more: consume the partitions a group assigns in
 * batches (with an assignment hook, pause per partition and explicit commits), send, one
 * transaction of outputs and input offsets (a newer producer of the same transactional id fences
 * the older), read a topic's offsets and a group's committed ones, and create topics.
 *
 * The shape is kafkajs' (the real broker's adapter hands out kafkajs' own producer and admin, and a
 * thin wrapper of its consumer), so the runtime written against it keeps kafkajs' proven semantics;
 * the in-memory adapter implements the same few calls over arrays. Two adapters:
 * `kafkajsTransport` (kafkajs-transport.ts, the only runtime file that imports kafkajs) and
 * `createInMemoryTransport` (@cx/memory-transport). One conformance suite holds both to it.
 */

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export interface MessageHeaders {
  [name: string]: HeaderValue;
}

/** A record to send. Its partition follows from its key (Kafka's murmur2 partitioner) unless given. */
export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: MessageHeaders;
  timestamp?: string;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  acks?: number;
  timeout?: number;
}

export interface ProducerBatch {
  topicMessages?: TopicMessages[];
  acks?: number;
  timeout?: number;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset?: string;
}

/** A consumed record: Buffers for key, value and header values; offsets as decimal strings. */
export interface KafkaMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: MessageHeaders;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface GroupOffsets {
  consumerGroupId: string;
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface Sender {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/** Nothing sent in it is visible to readers before `commit`; `abort` drops it, offsets included. */
export interface Transaction extends Sender {
  sendOffsets(offsets: GroupOffsets): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

export interface Producer extends Sender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Only for a producer made with a transactionalId. */
  transaction(): Promise<Transaction>;
}

export interface ProducerConfig {
  /** A newer producer with the same id fences this one: its transactions fail from then on. */
  transactionalId?: string;
  idempotent?: boolean;
  maxInFlightRequests?: number;
  allowAutoTopicCreation?: boolean;
  /** kafkajs' retry settings (the in-memory adapter never needs to retry). */
  retry?: { initialRetryTime?: number; maxRetryTime?: number; retries?: number };
}

export interface Batch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  /** The last offset the fetch covered: past the last message when transaction markers follow it. */
  lastOffset(): string;
}

export interface EachBatchPayload {
  batch: Batch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** Pauses this batch's partition (the others go on) and returns the function that resumes it. */
  pause(): () => void;
  isRunning(): boolean;
  /** True once a rebalance took the partition away: the batch must not be committed. */
  isStale(): boolean;
}

export interface ConsumerRunConfig {
  autoCommit?: boolean;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
  eachBatch(payload: EachBatchPayload): Promise<void>;
}

/** Who gets which partitions of a group's topics. */
export type AssignmentStrategy = "spread" | "single-owner" | "co-partitioned";

export interface ConsumerConfig {
  groupId: string;
  /** "spread" (default) shares partitions out; "single-owner" gives one member every partition
   *  (the others wait as standbys); "co-partitioned" gives one member the same partition numbers
   *  of every subscribed topic. */
  assignment?: AssignmentStrategy;
  minBytes?: number;
  maxBytes?: number;
  /** The most a fetch brings of one partition (kafkajs' default: 1 MiB). */
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  /** Whether records of open (and aborted) transactions are read too; false by default. */
  readUncommitted?: boolean;
  allowAutoTopicCreation?: boolean;
  retry?: { restartOnFailure?: (error: Error) => Promise<boolean>; retries?: number };
}

export interface GroupJoinEvent {
  payload: { memberId: string; memberAssignment: Record<string, number[]> };
}
export interface CrashEvent {
  payload: { error: Error; restart: boolean };
}
export interface EndBatchProcessEvent {
  payload: { topic: string; partition: number; batchSize: number; lastOffset: string; highWatermark: string };
}

export const consumerEvents = {
  GROUP_JOIN: "consumer.group_join",
  REBALANCING: "consumer.rebalancing",
  CRASH: "consumer.crash",
  END_BATCH_PROCESS: "consumer.end_batch_process",
} as const;

export type RemoveListener = () => void;

export interface Consumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: ConsumerRunConfig): Promise<void>;
  stop(): Promise<void>;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Where a running consumer reads a partition from next (before its committed offset if need be). */
  seek(position: TopicPartitionOffset): void;
  pause(topics: { topic: string; partitions?: number[] }[]): void;
  resume(topics: { topic: string; partitions?: number[] }[]): void;
  readonly events: typeof consumerEvents;
  on(event: "consumer.group_join", listener: (event: GroupJoinEvent) => void): RemoveListener;
  on(event: "consumer.rebalancing", listener: () => void): RemoveListener;
  on(event: "consumer.crash", listener: (event: CrashEvent) => void): RemoveListener;
  on(event: "consumer.end_batch_process", listener: (event: EndBatchProcessEvent) => void): RemoveListener;
}

export interface PartitionOffsets {
  partition: number;
  /** The next offset to be written (last stable offset on a real broker). */
  high: string;
  low: string;
  offset: string;
}

export interface ITopicConfig {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
}

export interface TopicMetadata {
  name: string;
  partitions: { partitionId: number }[];
}

export interface Admin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  createTopics(options: { topics: ITopicConfig[]; waitForLeaders?: boolean }): Promise<boolean>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: TopicMetadata[] }>;
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** A group's committed offsets ("-1" where it has none). */
  fetchOffsets(options: {
    groupId: string;
    topics: string[];
  }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  deleteGroups(groupIds: string[]): Promise<unknown>;
  deleteTopics(options: { topics: string[] }): Promise<void>;
  /** The cluster's id: offsets are positions in one cluster's logs. */
  describeCluster(): Promise<{ clusterId: string }>;
}

/** One Kafka: a real broker (kafkajs) or memory. */
export interface Transport {
  consumer(config: ConsumerConfig): Consumer;
  producer(config?: ProducerConfig): Producer;
  admin(): Admin;
}
