// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { defaultMetricsPorts } from "@cx/observability";
import { runService } from "@cx/runtime";
import { offersEnvSchema } from "./config";
import { startOffersService } from "./offers-stage";

await runService(
  "offers",
  async (logger) => {
    const env = loadConfig(offersEnvSchema);
    return startOffersService({
      kafka: createKafka(env, logger),
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      logger,
      env,
    });
  },
  { metricsPort: defaultMetricsPorts.offers, retryStart: true },
);
