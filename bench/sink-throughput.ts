import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createClickHouse, migrate } from "@cx/clickhouse";
import { consumerLag, createKafka, createSchemaRegistry } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { sinkEnvSchema, startSink } from "@cx/sink";
import { pipelineTopicVariables } from "@cx/topics";
import { peopleTouchpoints } from "@cx/workload";
import { createTouchpointPublisher } from "@cx/workload-publisher";

export interface SinkThroughput {
  readonly sinkRowsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * Touchpoints written to Kafka first, then the clock runs from the sink's start until it has
 * committed them all into the embedded engine (dedup look-ups, views and inserts included).
 */
export async function measureSinkThroughput(
  servers: { kafkaBrokers: string; schemaRegistryUrl: string },
  logger: Logger,
  { touchpoints }: { touchpoints: number },
): Promise<SinkThroughput> {
  const run = `bench.sink.${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), "cx-bench-sink-"));
  const env = sinkEnvSchema.parse({
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    CLICKHOUSE_DATA_DIR: dir,
    CLICKHOUSE_DATABASE: "bench_sink",
    SINK_GROUP_ID: `${run}.group`,
    ...pipelineTopicVariables((base) => `${run}.${base}`),
  });
  const kafka = createKafka(env, logger);
  const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  const days = 365;
  const stream = peopleTouchpoints({
    people: touchpoints / 5,
    touchpoints,
    days,
    seed: 3,
    startAt: Date.now() - (days + 1) * 86_400_000,
  });
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  await publisher.publish(stream);
  await publisher.close();
  const clickhouse = createClickHouse(env);
  const admin = kafka.admin();
  try {
    await migrate(clickhouse, logger);
    await admin.connect();
    const started = performance.now();
    const sink = await startSink({ kafka, registry, clickhouse, logger, env });
    while ((await consumerLag(admin, env.SINK_GROUP_ID, env.TOUCHPOINTS_TOPIC)) > 0) await sleep(100);
    const seconds = (performance.now() - started) / 1000;
    await sink.stop();
    return {
      sinkRowsPerSecond: Math.round(stream.length / seconds),
      setup: {
        rows: stream.length,
        seconds: Number(seconds.toFixed(1)),
        partitions: env.KAFKA_PARTITIONS,
        table: "touchpoints (+ 2 aggregating views)",
        engine: "embedded (chDB), on disk",
        includes: "group join at start, dedup look-ups of up to 20,000 ids per insert",
        fetchMaxBytesPerPartition: "4 MiB",
        insertMaxRows: env.SINK_BATCH_MAX_ROWS,
        insertMaxWaitMs: env.SINK_BATCH_MAX_WAIT_MS,
      },
    };
  } finally {
    await admin.disconnect();
    await clickhouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
