import type { Kafka, KafkaMessage } from "kafkajs";
import { uniqueName } from "./unique-name";
import { waitFor } from "./wait-for";

/**
 * Reads a topic from the beginning with a throw-away consumer group until at least `count`
 * records arrived (or times out naming how many did), and returns them in arrival order.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  { timeoutMs = 30_000 } = {},
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName("reader") });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        messages.push(message);
      },
    });
    await waitFor(
      async () => messages.length,
      (seen) => seen >= count,
      { timeoutMs, what: `${count} records on ${topic}` },
    );
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
