import type { Kafka } from "kafkajs";
import { z } from "zod";
import type { KafkaEnv } from "./kafka-config";
import { ensureTopics } from "./topics";

/** Topic names are configuration so that tests (and several pipelines on one cluster) can keep apart. */
export const pipelineTopicsEnvSchema = z.object({
  TOUCHPOINTS_TOPIC: z.string().min(1).default("cx.touchpoints"),
  DEAD_LETTER_TOPIC: z.string().min(1).default("cx.dead-letters"),
});
export type PipelineTopicsEnv = z.infer<typeof pipelineTopicsEnvSchema>;

/** Creates the pipeline's topics where they are missing; every service calls it at start. */
export async function ensurePipelineTopics(
  kafka: Kafka,
  env: PipelineTopicsEnv & Pick<KafkaEnv, "KAFKA_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">,
): Promise<void> {
  const spec = { partitions: env.KAFKA_PARTITIONS, replicationFactor: env.KAFKA_REPLICATION_FACTOR };
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [
      { topic: env.TOUCHPOINTS_TOPIC, ...spec },
      { topic: env.DEAD_LETTER_TOPIC, ...spec },
    ]);
  } finally {
    await admin.disconnect();
  }
}
