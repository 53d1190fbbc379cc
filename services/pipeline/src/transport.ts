import { ConfigError } from "@cx/config";
import {
  type CaughtUpOptions,
  createKafka,
  createSchemaRegistry,
  type GroupTopic,
  type KafkaEnv,
  type SchemaRegistryClient,
  type Transport,
  waitUntilCaughtUp,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { createInMemorySchemaRegistry, createInMemoryTransport } from "@cx/memory-transport";

export interface PipelineTransport {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  /** True when no broker is configured and the stages talk inside this process. */
  readonly embedded: boolean;
  readonly describe: string;
  /** Resolves once these groups have handled everything on their topics (memory: idle; Kafka: no lag). */
  settled(groups: readonly GroupTopic[], options?: CaughtUpOptions): Promise<void>;
}

/**
 * KAFKA_BROKERS and SCHEMA_REGISTRY_URL set: those servers. Neither set: the in-memory transport,
 * the same stage code over memory, with Kafka's per-key order, offsets and transactions, writing
 * to the embedded ClickHouse (whose database each run starts afresh). Anything in between is
 * refused (a ConfigError: exit code 2) before anything starts: half a Kafka configuration, or a
 * ClickHouse server without a broker, would otherwise run the embedded mode against real data.
 */
export function openTransport(
  env: NodeJS.ProcessEnv,
  config: Pick<KafkaEnv, "KAFKA_BROKERS" | "KAFKA_CLIENT_ID" | "SCHEMA_REGISTRY_URL">,
  logger: Logger,
): PipelineTransport {
  const missing = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL"].filter((name) => !env[name]);
  if (missing.length === 1)
    throw new ConfigError([
      `${missing[0]}: must be set too (it is unset while ${missing[0] === "KAFKA_BROKERS" ? "SCHEMA_REGISTRY_URL" : "KAFKA_BROKERS"} is set); set both for Transport, neither for the embedded mode`,
    ]);
  if (missing.length === 2 && env.CLICKHOUSE_URL)
    throw new ConfigError([
      "CLICKHOUSE_URL: is set but KAFKA_BROKERS and SCHEMA_REGISTRY_URL are not; the embedded mode starts its database afresh and never runs against a ClickHouse server: set the broker and registry too, or unset CLICKHOUSE_URL",
    ]);
  if (missing.length === 0) {
    const kafka = createKafka(config, logger);
    return {
      kafka,
      registry: createSchemaRegistry(config.SCHEMA_REGISTRY_URL),
      embedded: false,
      settled: (groups, options) => waitUntilCaughtUp(kafka, groups, options),
      describe: `Kafka ${config.KAFKA_BROKERS.join(",")} and the registry at ${config.SCHEMA_REGISTRY_URL}`,
    };
  }
  // What every group has read is let go: a long run keeps only what is unread, and the changelogs.
  const memory = createInMemoryTransport({ dropConsumed: true });
  return {
    kafka: memory,
    registry: createInMemorySchemaRegistry(),
    embedded: true,
    describe: "the in-memory transport (no servers configured)",
    settled: (groups) => memory.idle(groups.map((group) => group.groupId)),
  };
}
