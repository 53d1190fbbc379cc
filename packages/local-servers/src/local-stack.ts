import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "@cx/logging";
import { startLocalKafka } from "./local-kafka";
import { startLocalRegistry } from "./local-registry";
import { fetchServerDistributions } from "./managed-server";

export interface KafkaAndRegistry {
  readonly kafkaBrokers: string;
  readonly schemaRegistryUrl: string;
  /** Stops what was started here (nothing, for configured servers) and removes its data. */
  stop(graceMs?: number): Promise<void>;
}

/** A private broker and registry on free ports, with data in a fresh folder under `parentDir`. */
export async function startLocalStack(parentDir: string): Promise<KafkaAndRegistry & { dataDir: string }> {
  await fetchServerDistributions();
  mkdirSync(parentDir, { recursive: true });
  const dataDir = mkdtempSync(join(parentDir, "cx-servers-"));
  const kafka = await startLocalKafka({ dataDir });
  const registry = await startLocalRegistry({ logDir: dataDir }).catch(async (error: unknown) => {
    await kafka.stop(0);
    throw error;
  });
  return {
    dataDir,
    kafkaBrokers: kafka.brokers.join(","),
    schemaRegistryUrl: registry.url,
    async stop(graceMs) {
      await Promise.all([registry.stop(graceMs), kafka.stop(graceMs)]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The configured Kafka and registry when KAFKA_BROKERS and SCHEMA_REGISTRY_URL are set; otherwise
 * a private pair for this process, started from infra/scripts.
 */
export async function acquireServers(env: NodeJS.ProcessEnv, logger: Logger): Promise<KafkaAndRegistry> {
  if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL) {
    return {
      kafkaBrokers: env.KAFKA_BROKERS,
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      stop: async () => undefined,
    };
  }
  const started = Date.now();
  logger.info("no KAFKA_BROKERS/SCHEMA_REGISTRY_URL set: starting a local Kafka broker and schema registry");
  const stack = await startLocalStack(".data");
  logger.info(
    { brokers: stack.kafkaBrokers, registry: stack.schemaRegistryUrl, ms: Date.now() - started },
    "local servers up",
  );
  return stack;
}
