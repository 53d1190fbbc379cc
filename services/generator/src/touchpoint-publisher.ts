import { customerKey, type Touchpoint, touchpointContract } from "@cx/contracts";
import {
  createAvroCodec,
  createAvroProducer,
  ensurePipelineTopics,
  type KafkaEnv,
  type PipelineTopicsEnv,
} from "@cx/kafka";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";

export interface TouchpointPublisher {
  /** Sends touchpoints keyed by customer, in chunks; resolves when the broker has them all. */
  publish(touchpoints: readonly Touchpoint[]): Promise<void>;
  close(): Promise<void>;
}

const chunkSize = 500;

export async function createTouchpointPublisher(
  kafka: Kafka,
  registry: SchemaRegistry,
  env: PipelineTopicsEnv & Pick<KafkaEnv, "KAFKA_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">,
): Promise<TouchpointPublisher> {
  await ensurePipelineTopics(kafka, env);
  const codec = await createAvroCodec<Touchpoint>(registry, env.TOUCHPOINTS_TOPIC, touchpointContract.schema);
  const producer = await createAvroProducer(kafka, env.TOUCHPOINTS_TOPIC, codec);
  return {
    async publish(touchpoints) {
      for (let start = 0; start < touchpoints.length; start += chunkSize) {
        const chunk = touchpoints.slice(start, start + chunkSize);
        await producer.send(chunk.map((value) => ({ key: customerKey(value.identifiers), value })));
      }
    },
    close: () => producer.disconnect(),
  };
}
