import { type ClickHouse, clickhouseEnvSchema, createClickHouse } from "@cx/clickhouse";
import { type KafkaEnv, kafkaEnvSchema } from "@cx/kafka";
import { pipelineTopicVariables } from "@cx/topics";
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

/**
 * testStageVariables with the offer engine set for a scripted story: decisions as events arrive
 * (no tick), at any hour (no quiet hours), cold-start offers made whatever their expected value,
 * and no holdout (customer ids differ per run: a holdout would hold a random 5 % of them out of
 * marketing). `overrides` win.
 */
export function offerStoryVariables(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...testStageVariables(),
    OFFERS_TICK_MS: "0",
    OFFERS_HOLDOUT_PERCENT: "0",
    OFFERS_MIN_EXPECTED_VALUE_MINOR: "0",
    OFFERS_QUIET_FROM_HOUR: "0",
    OFFERS_QUIET_TO_HOUR: "0",
    ...overrides,
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
