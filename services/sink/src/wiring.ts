// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { createClickHouse, migrate } from "@cx/clickhouse";
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { defaultMetricsPorts } from "@cx/observability";
import { runService } from "@cx/runtime";
import { sinkEnvSchema } from "./config";
import { startSink } from "./sink";
import { timeInserts } from "./timed-inserts";

await runService(
  "sink",
  async (logger) => {
    const env = loadConfig(sinkEnvSchema);
    const clickhouse = createClickHouse(env);
    let sink: Awaited<ReturnType<typeof startSink>>;
    try {
      await migrate(clickhouse, logger);
      sink = await startSink({
        kafka: createKafka(env, logger),
        registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
        clickhouse: timeInserts(clickhouse),
        logger,
        env,
      });
    } catch (error) {
      // A start tried again opens the database again: this try's client must not hold it.
      await clickhouse.close().catch(() => undefined);
      throw error;
    }
    return {
      async stop() {
        await sink.stop();
        await clickhouse.close();
      },
    };
  },
  { metricsPort: defaultMetricsPorts.sink, retryStart: true },
);
