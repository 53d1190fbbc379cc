import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { consumerLag, createKafka, createSchemaRegistry } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { pipelineTopicVariables } from "@cx/topics";
import { peopleTouchpoints } from "@cx/workload";
import { createTouchpointPublisher } from "@cx/workload-publisher";
import { benchModels } from "./enrichment-in-process";

export interface KafkaEnrichment {
  readonly touchpointsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * The enricher's two stages in this process against the real broker and registry: touchpoints are
 * written first, then the clock runs from the enricher's start until both stages have committed
 * everything (including the profile transfers that merges send between partitions).
 */
export async function measureKafkaEnrichment(
  servers: { kafkaBrokers: string; schemaRegistryUrl: string },
  logger: Logger,
  { people, touchpoints, partitions = 6 }: { people: number; touchpoints: number; partitions?: number },
): Promise<KafkaEnrichment> {
  const run = `bench.${Date.now().toString(36)}`;
  const modelFile = join(mkdtempSync(join(tmpdir(), "cx-bench-")), "models.json");
  writeFileSync(modelFile, JSON.stringify(benchModels));
  const env = enricherEnvSchema.parse({
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    KAFKA_PARTITIONS: String(partitions),
    ENRICHER_MODEL_FILE: modelFile,
    ...pipelineTopicVariables((base) => `${run}.${base}`),
    ENRICHER_IDENTITY_GROUP_ID: `${run}.identity`,
    ENRICHER_IDENTITY_TRANSACTIONAL_ID: `${run}.identity`,
    ENRICHER_PROFILE_GROUP_ID: `${run}.profile`,
  });
  const kafka = createKafka(env, logger);
  const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  const days = 365;
  const stream = peopleTouchpoints({
    people,
    touchpoints,
    days,
    seed: 7,
    startAt: Date.now() - (days + 1) * 86_400_000,
  });
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  await publisher.publish(stream);
  await publisher.close();

  const admin = kafka.admin();
  await admin.connect();
  const lag = async () =>
    (await consumerLag(admin, env.ENRICHER_IDENTITY_GROUP_ID, env.TOUCHPOINTS_TOPIC)) +
    (await consumerLag(admin, env.ENRICHER_PROFILE_GROUP_ID, env.IDENTIFIED_TOPIC));
  const started = performance.now();
  const enricher = await startEnricher({ kafka, registry, logger, env });
  while ((await lag()) > 0) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  await enricher.stop();
  await admin.disconnect();
  return {
    touchpointsPerSecond: Math.round(stream.length / seconds),
    setup: {
      touchpoints: stream.length,
      people,
      seconds: Number(seconds.toFixed(1)),
      partitions,
      messageBytes: "≈ 400 (touchpoint, Avro)",
      stages: "identity (transactional, one owner) + profile, one process",
      includes: "group joins and empty restores at start",
    },
  };
}
