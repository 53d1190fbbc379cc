import { customerKey, type Touchpoint } from "@cx/contracts";
import { createAvroProducer, type KafkaEnv, type SchemaRegistryClient, type Transport } from "@cx/kafka";
import { ensurePipelineTopics, type PipelineTopicsEnv, pipelineTopics, topicCodec } from "@cx/topics";

export interface TouchpointPublisher {
  /**
   * Sends touchpoints keyed by customer, in chunks, in order; resolves with how many were sent when
   * the broker has them all. Takes any iterable, so a lazy stream of millions never sits in memory.
   */
  publish(touchpoints: Iterable<Touchpoint>): Promise<number>;
  close(): Promise<void>;
}

const chunkSize = 500;

export async function createTouchpointPublisher(
  kafka: Transport,
  registry: SchemaRegistryClient,
  env: PipelineTopicsEnv & Pick<KafkaEnv, "KAFKA_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">,
): Promise<TouchpointPublisher> {
  await ensurePipelineTopics(kafka, env);
  const codec = await topicCodec(registry, env, pipelineTopics.touchpoints);
  const producer = await createAvroProducer(kafka, env.TOUCHPOINTS_TOPIC, codec);
  return {
    async publish(touchpoints) {
      let sent = 0;
      let chunk: { key: string; value: Touchpoint }[] = [];
      for (const value of touchpoints) {
        chunk.push({ key: customerKey(value.identifiers), value });
        if (chunk.length === chunkSize) {
          await producer.send(chunk);
          sent += chunk.length;
          chunk = [];
        }
      }
      if (chunk.length > 0) await producer.send(chunk);
      return sent + chunk.length;
    },
    close: () => producer.disconnect(),
  };
}
