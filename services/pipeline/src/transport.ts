import { createInProcessKafka, createInProcessSchemaRegistry } from "@cx/in-process-kafka";
import { createKafka, createSchemaRegistry, type KafkaEnv } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";

export interface Transport {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  /** True when no broker is configured and the stages talk inside this process. */
  readonly embedded: boolean;
  readonly describe: string;
}

/**
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL set: those servers. Otherwise the in-process transport:
 * the same stage code over memory, with Kafka's per-key order, offsets and transactions.
 */
export function openTransport(
  env: NodeJS.ProcessEnv,
  config: Pick<KafkaEnv, "KAFKA_BROKERS" | "KAFKA_CLIENT_ID" | "SCHEMA_REGISTRY_URL">,
  logger: Logger,
): Transport {
  if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL)
    return {
      kafka: createKafka(config, logger),
      registry: createSchemaRegistry(config.SCHEMA_REGISTRY_URL),
      embedded: false,
      describe: `Kafka ${config.KAFKA_BROKERS.join(",")} and the registry at ${config.SCHEMA_REGISTRY_URL}`,
    };
  return {
    kafka: createInProcessKafka({ clientId: config.KAFKA_CLIENT_ID }),
    registry: createInProcessSchemaRegistry(),
    embedded: true,
    describe: "the in-process transport (no servers configured)",
  };
}
