import type { Touchpoint } from "@cx/contracts";
import { createTouchpointPublisher } from "@cx/generator";
import {
  consumerLag,
  createAvroCodec,
  createSchemaRegistry,
  type KafkaEnv,
  type PipelineTopicsEnv,
  readPartitionsToEnd,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { waitFor } from "@cx/testing";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka, KafkaMessage } from "kafkajs";

/** Shared by the cross-service tests: write touchpoints, wait for stages, read what they wrote. */
const logger = createLogger("test-support", "warn");
type Env = KafkaEnv & PipelineTopicsEnv;

export async function publishTouchpoints(
  kafka: Kafka,
  env: Env,
  touchpoints: readonly Touchpoint[],
  registry: SchemaRegistry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
) {
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  await publisher.publish(touchpoints);
  await publisher.close();
}

/**
 * Every group has read everything on its topic, twice in a row half a second apart (stages that
 * feed each other, like the enricher's transfers between partitions, settle).
 */
export async function waitForGroups(
  kafka: Kafka,
  groups: readonly { groupId: string; topic: string }[],
  timeoutMs = 60_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const lags = async () =>
    Object.fromEntries(
      await Promise.all(
        groups.map(async ({ groupId, topic }) => [groupId, await consumerLag(admin, groupId, topic)]),
      ),
    ) as Record<string, number>;
  const caughtUp = (left: Record<string, number>) => Object.values(left).every((lag) => lag === 0);
  try {
    for (let quiet = 0; quiet < 2; quiet++) {
      await waitFor(lags, caughtUp, { timeoutMs, what: "the stages to catch up" });
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!caughtUp(await lags())) quiet = -1;
    }
  } finally {
    await admin.disconnect();
  }
}

/** Every record of a topic up to its current end (transaction markers and all), raw. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const messages: KafkaMessage[] = [];
  await readPartitionsToEnd(
    kafka,
    topic,
    ends.map((end) => end.partition),
    (message) => {
      messages.push(message);
    },
    logger,
  );
  return messages;
}

/** Every record of an Avro topic, decoded with `schema` as the reader; tombstones as null values. */
export async function readAvroTopic<T>(
  kafka: Kafka,
  env: Pick<KafkaEnv, "SCHEMA_REGISTRY_URL">,
  topic: string,
  schema: object,
  registry: SchemaRegistry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
): Promise<{ key: string; value: T | null }[]> {
  const codec = await createAvroCodec<T>(registry, topic, schema);
  const decoded: { key: string; value: T | null }[] = [];
  for (const message of await readWholeTopic(kafka, topic)) {
    const key = String(message.key);
    if (message.value === null) {
      decoded.push({ key, value: null });
      continue;
    }
    const result = await codec.decode(message.value);
    if (!result.ok) throw new Error(result.reason);
    decoded.push({ key, value: result.value });
  }
  return decoded;
}
