import { join } from "node:path";
import { freePort } from "./free-port";
import { type ManagedServer, startManagedServer } from "./managed-server";

export interface LocalRegistryOptions {
  readonly logDir: string;
  readonly port?: number;
  /** Keep schemas in this Kafka (durable); without it they live in the registry's memory. */
  readonly kafkaBootstrap?: string;
}

/** Apicurio Registry answering the Confluent API (infra/scripts/registry.sh). */
export async function startLocalRegistry(
  options: LocalRegistryOptions,
): Promise<ManagedServer & { url: string }> {
  const port = options.port ?? (await freePort());
  const managementPort = await freePort();
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const server = await startManagedServer({
    name: "schema-registry",
    script: "registry.sh",
    env: {
      REGISTRY_PORT: String(port),
      REGISTRY_MANAGEMENT_PORT: String(managementPort),
      ...(options.kafkaBootstrap ? { REGISTRY_KAFKA_BOOTSTRAP: options.kafkaBootstrap } : {}),
    },
    logFile: join(options.logDir, "schema-registry.log"),
    isReady: async () => (await fetch(`${url}/subjects`)).ok,
  });
  return { ...server, url };
}
