import { type ClickHouse, clickhouseEnvSchema, createClickHouse } from "@cx/clickhouse";
import { type KafkaEnv, kafkaEnvSchema, pipelineTopicVariables } from "@cx/kafka";
import { testServers } from "./test-servers";
import { uniqueName } from "./unique-name";

/**
 * Environment variables for a service under test: this run's broker and registry, and topics no
 * other test uses. Spread them into a service's config schema with the test's own settings.
 */
export function testPipelineVariables(): Record<string, string> {
  const servers = testServers();
  return {
    KAFKA_BROKERS: servers.kafkaBrokers.join(","),
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    KAFKA_PARTITIONS: "3",
    KAFKA_CLIENT_ID: uniqueName("test"),
    // A service started as a process under test serves its operations endpoints on a free port.
    METRICS_PORT: "0",
    ...pipelineTopicVariables(uniqueName),
  };
}

/**
 * testPipelineVariables plus consumer groups and transactional ids of their own for every stage
 * (enricher, offers, sink), for tests that run the stages together.
 */
export function testStageVariables(): Record<string, string> {
  return {
    ...testPipelineVariables(),
    ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
    ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
    ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
    OFFERS_GROUP_ID: uniqueName("offers"),
    OFFERS_TRANSACTIONAL_ID: uniqueName("offers-tx"),
    DISPATCHER_GROUP_ID: uniqueName("dispatcher"),
    DISPATCHER_TRANSACTIONAL_ID: uniqueName("dispatcher-tx"),
    SINK_GROUP_ID: uniqueName("sink"),
  };
}

/** Kafka settings pointing at this run's broker and registry. */
export function testKafkaEnv(): KafkaEnv {
  return kafkaEnvSchema.parse(testPipelineVariables());
}

/**
 * A database of its own on this run's ClickHouse: the server if one is configured, otherwise the
 * in-process engine of this test worker (in memory, shared by the worker's tests, hence a database each).
 */
export function freshClickHouse(prefix = "test"): ClickHouse {
  const { clickhouseUrl } = testServers();
  return createClickHouse(
    clickhouseEnvSchema.parse({
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_DATABASE: uniqueName(prefix),
      CLICKHOUSE_DATA_DIR: ":memory:",
    }),
  );
}
