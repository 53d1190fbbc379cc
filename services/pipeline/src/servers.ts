import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fetchServerDistributions, startLocalKafka, startLocalRegistry } from "@cx/local-servers";
import type { Logger } from "@cx/logging";

export interface PipelineServers {
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  stop(): Promise<void>;
}

/**
 * The configured Kafka and registry when KAFKA_BROKERS and SCHEMA_REGISTRY_URL are set; otherwise a
 * private broker and registry for this run, on free ports, started from infra/scripts.
 */
export async function acquireServers(env: NodeJS.ProcessEnv, logger: Logger): Promise<PipelineServers> {
  if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL) {
    return {
      kafkaBrokers: env.KAFKA_BROKERS,
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      stop: async () => undefined,
    };
  }
  const started = Date.now();
  logger.info("no KAFKA_BROKERS/SCHEMA_REGISTRY_URL set: starting a local Kafka broker and schema registry");
  await fetchServerDistributions();
  mkdirSync(".data", { recursive: true });
  const dataDir = mkdtempSync(join(".data", "servers-"));
  const kafka = await startLocalKafka({ dataDir });
  const registry = await startLocalRegistry({ logDir: dataDir });
  logger.info(
    { brokers: kafka.brokers, registry: registry.url, ms: Date.now() - started },
    "local servers up",
  );
  return {
    kafkaBrokers: kafka.brokers.join(","),
    schemaRegistryUrl: registry.url,
    async stop() {
      await Promise.all([registry.stop(), kafka.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
