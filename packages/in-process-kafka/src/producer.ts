import {
  type Message,
  Partitioners,
  type Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type TopicMessages,
  type Transaction,
} from "kafkajs";
import type { Broker, Topic } from "./broker";
import { nonRetriable } from "./errors";
import { Instrumentation, producerEvents, silentLogger } from "./instrumentation";
import { fastDefaultPartitioner } from "./partitioner";

interface Routed {
  readonly topic: Topic;
  readonly partition: number;
  readonly messages: Message[];
}

/**
 * A kafkajs producer on the in-process broker. Sends append synchronously (acks are immediate);
 * a transaction keeps its records and offsets aside and makes them visible in one step at commit,
 * so read-committed readers never see part of one and never see an aborted one.
 */
export function createProducer(broker: Broker, config: ProducerConfig = {}): Producer {
  const instrumentation = new Instrumentation(Object.values(producerEvents));
  // kafkajs' default partitioner is replaced by the same decisions computed faster; a custom one is used as given.
  const create =
    config.createPartitioner === undefined || config.createPartitioner === Partitioners.DefaultPartitioner
      ? fastDefaultPartitioner
      : config.createPartitioner;
  const partitioner = create();
  const autoCreate = config.allowAutoTopicCreation ?? true;
  const { transactionalId } = config;
  let connected = false;
  /** The epoch from InitProducerId; as in kafkajs it is requested at the first transaction. */
  let epoch: number | undefined;
  let inTransaction = false;

  const ensureConnected = () => {
    if (!connected) throw nonRetriable("The producer is disconnected");
  };

  /** Partitions each message like kafkajs (explicit partition, else the partitioner), keeping order. */
  const route = (topicMessages: readonly TopicMessages[]): Routed[] => {
    const routed = new Map<string, Routed>();
    for (const { topic: name, messages } of topicMessages) {
      if (messages.length === 0) continue;
      const topic = broker.topic(name, autoCreate);
      for (const message of messages) {
        const partition = partitioner({ topic: name, partitionMetadata: topic.metadata, message });
        topic.partition(partition);
        const key = `${name}\u0000${partition}`;
        let entry = routed.get(key);
        if (!entry) {
          entry = { topic, partition, messages: [] };
          routed.set(key, entry);
        }
        entry.messages.push(message);
      }
    }
    return [...routed.values()];
  };

  const metadata = (routed: readonly Routed[], bases?: readonly number[]): RecordMetadata[] =>
    routed.map(({ topic, partition }, index) => ({
      topicName: topic.name,
      partition,
      errorCode: 0,
      baseOffset: bases ? String(bases[index]) : "-1",
      logAppendTime: "-1",
      logStartOffset: String(topic.partition(partition).base),
    }));

  const sendBatch = async ({ topicMessages = [] }: ProducerBatch): Promise<RecordMetadata[]> => {
    ensureConnected();
    const routed = route(topicMessages);
    return metadata(routed, broker.append(routed));
  };

  const producer = {
    events: producerEvents,
    async connect() {
      connected = true;
      instrumentation.emit(producerEvents.CONNECT, null);
    },
    async disconnect() {
      if (!connected) return;
      connected = false;
      inTransaction = false;
      instrumentation.emit(producerEvents.DISCONNECT, null);
    },
    isIdempotent: () => config.idempotent ?? false,
    send: ({ topic, messages }: ProducerRecord) => sendBatch({ topicMessages: [{ topic, messages }] }),
    sendBatch,
    on: (eventName: string, listener: (event: never) => unknown) => instrumentation.on(eventName, listener),
    logger: () => silentLogger,
    async transaction(): Promise<Transaction> {
      ensureConnected();
      if (!transactionalId) throw nonRetriable("Must provide transactional id for transactional producer");
      if (inTransaction)
        throw nonRetriable(
          "There is already an ongoing transaction for this producer. Please end the transaction before beginning another.",
        );
      if (epoch === undefined) epoch = broker.initTransactional(transactionalId);
      const myEpoch = epoch;
      broker.checkEpoch(transactionalId, myEpoch);
      inTransaction = true;
      let active = true;
      const pending: Routed[] = [];
      const offsets: { groupId: string; topic: string; partition: number; offset: string }[] = [];
      const check = () => {
        if (!active) throw nonRetriable("Transaction state exception: the transaction is not active");
        ensureConnected();
        broker.checkEpoch(transactionalId, myEpoch);
      };
      const end = () => {
        active = false;
        inTransaction = false;
      };
      const sendInTransaction = async ({ topicMessages = [] }: ProducerBatch) => {
        check();
        const routed = route(topicMessages);
        pending.push(...routed);
        return metadata(routed);
      };
      return {
        send: ({ topic, messages }: ProducerRecord) =>
          sendInTransaction({ topicMessages: [{ topic, messages }] }),
        sendBatch: sendInTransaction,
        async sendOffsets({ consumerGroupId, topics }) {
          check();
          for (const { topic, partitions } of topics)
            for (const { partition, offset } of partitions)
              offsets.push({ groupId: consumerGroupId, topic, partition, offset });
        },
        async commit() {
          try {
            check();
          } catch (error) {
            end();
            throw error;
          }
          // Everything below is synchronous: readers see the whole transaction or none of it.
          broker.append(pending);
          for (const { groupId, topic, partition, offset } of offsets)
            broker.group(groupId).commit(topic, partition, offset);
          end();
        },
        async abort() {
          if (!active) throw nonRetriable("Transaction state exception: the transaction is not active");
          end();
        },
        isActive: () => active,
      };
    },
  };
  return producer as unknown as Producer;
}
