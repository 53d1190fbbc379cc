import { createClickHouse, migrate } from "@cx/clickhouse";
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { runService } from "@cx/runtime";
import { sinkEnvSchema } from "./config";
import { startSink } from "./sink";

await runService("sink", async (logger) => {
  const env = loadConfig(sinkEnvSchema);
  const clickhouse = createClickHouse(env);
  await migrate(clickhouse, logger);
  const sink = await startSink({
    kafka: createKafka(env, logger),
    registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    clickhouse,
    logger,
    env,
  });
  return {
    async stop() {
      await sink.stop();
      await clickhouse.close();
    },
  };
});
