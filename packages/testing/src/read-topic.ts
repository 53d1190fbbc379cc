import type { KafkaMessage, Transport } from "@cx/kafka";
import { uniqueName } from "./unique-name";
import { waitFor } from "./wait-for";

export interface TopicCollector {
  /** Every record read so far, in arrival order (per partition order only). */
  readonly messages: KafkaMessage[];
  /** Waits until a record matches and returns it. */
  find(match: (message: KafkaMessage) => boolean, what: string, timeoutMs?: number): Promise<KafkaMessage>;
  stop(): Promise<void>;
}

/**
 * Reads a topic from the beginning with a throw-away consumer group, in the background. Short fetch
 * waits keep stopping fast (a consumer stops only after its pending fetch returns).
 */
export async function collectTopic(kafka: Transport, topic: string): Promise<TopicCollector> {
  const consumer = kafka.consumer({ groupId: uniqueName("reader"), maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      messages.push(...batch.messages);
    },
  });
  return {
    messages,
    find: async (match, what, timeoutMs = 30_000) =>
      (await waitFor(
        async () => messages.find(match),
        (found) => found !== undefined,
        { timeoutMs, what },
      )) as KafkaMessage,
    stop: () => consumer.disconnect(),
  };
}

/** Reads a topic from the beginning until at least `count` records arrived, and returns them. */
export async function readTopic(
  kafka: Transport,
  topic: string,
  count: number,
  { timeoutMs = 30_000 } = {},
): Promise<KafkaMessage[]> {
  const collector = await collectTopic(kafka, topic);
  try {
    await waitFor(
      async () => collector.messages.length,
      (seen) => seen >= count,
      {
        timeoutMs,
        what: `${count} records on ${topic}`,
      },
    );
    return [...collector.messages];
  } finally {
    await collector.stop();
  }
}
