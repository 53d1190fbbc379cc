// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { defaultMetricsPorts } from "@cx/observability";
import { runService } from "@cx/runtime";
import { enricherEnvSchema } from "./config";
import { startEnricher } from "./enricher";

await runService(
  "enricher",
  async (logger) => {
    const env = loadConfig(enricherEnvSchema);
    return startEnricher({
      kafka: createKafka(env, logger),
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      logger,
      env,
    });
  },
  { metricsPort: defaultMetricsPorts.enricher, retryStart: true },
);
