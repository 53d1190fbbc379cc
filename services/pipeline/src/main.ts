import { setTimeout as sleep } from "node:timers/promises";
import { createClickHouse, migrate } from "@cx/clickhouse";
import { loadConfig } from "@cx/config";
import { createTouchpointPublisher, sampleTouchpoints, startOfTodayUtc } from "@cx/generator";
import { consumerLag, createKafka, createSchemaRegistry } from "@cx/kafka";
import { acquireServers } from "@cx/local-servers";
import { runService } from "@cx/runtime";
import { startSink } from "@cx/sink";
import { pipelineEnvSchema } from "./config";
import { channelSummary } from "./summary";

await runService("pipeline", async (logger) => {
  loadConfig(pipelineEnvSchema); // validate before starting anything
  const servers = await acquireServers(process.env, logger);
  const env = loadConfig(pipelineEnvSchema, {
    ...process.env,
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
  });
  const kafka = createKafka(env, logger);
  const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  const clickhouse = createClickHouse(env);
  await migrate(clickhouse, logger);
  const sink = await startSink({ kafka, registry, clickhouse, logger, env });
  const publisher = await createTouchpointPublisher(kafka, registry, env);

  const run = async () => {
    const touchpoints = sampleTouchpoints({
      count: env.PIPELINE_EVENTS,
      seed: env.PIPELINE_SEED,
      endAt: startOfTodayUtc(),
    });
    const started = performance.now();
    await publisher.publish(touchpoints);
    const admin = kafka.admin();
    await admin.connect();
    while ((await consumerLag(admin, env.SINK_GROUP_ID, env.TOUCHPOINTS_TOPIC)) > 0) await sleep(200);
    await admin.disconnect();
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      {
        events: touchpoints.length,
        seconds: Number(seconds.toFixed(2)),
        perSecond: Math.round(touchpoints.length / seconds),
      },
      "all touchpoints are in ClickHouse",
    );
    console.table(await channelSummary(clickhouse));
    console.log(
      `ClickHouse data: ${env.CLICKHOUSE_URL ?? env.CLICKHOUSE_DATA_DIR} (database ${env.CLICKHOUSE_DATABASE})`,
    );
  };

  return {
    done: run(),
    async stop() {
      await publisher.close();
      await sink.stop();
      await clickhouse.close();
      await servers.stop();
    },
  };
});
