// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { defaultMetricsPorts } from "@cx/observability";
import { runService } from "@cx/runtime";
import { dispatcherEnvSchema } from "./config";
import { startDispatcher } from "./dispatcher-stage";

await runService(
  "dispatcher",
  async (logger) => {
    const env = loadConfig(dispatcherEnvSchema);
    return startDispatcher({
      kafka: createKafka(env, logger),
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      logger,
      env,
    });
  },
  { metricsPort: defaultMetricsPorts.dispatcher, retryStart: true },
);
