import { freePort } from "@cx/local-servers";
import { GenericContainer, type StartedTestContainer, Wait } from "testcontainers";
import type { TestServers } from "./test-servers";

/**
 * The same servers from their official images, for machines with a Docker engine. Kafka advertises
 * a fixed host port picked up front, because clients must reach it at the address it advertises.
 */
export async function startDockerServers(): Promise<{ servers: TestServers; stop: () => Promise<void> }> {
  const kafkaPort = await freePort();
  const containers: StartedTestContainer[] = [];
  const stop = async () => {
    await Promise.all(containers.map((container) => container.stop()));
  };
  try {
    containers.push(
      await new GenericContainer("apache/kafka:4.4.0")
        .withExposedPorts({ container: 9092, host: kafkaPort })
        .withEnvironment({
          KAFKA_NODE_ID: "1",
          KAFKA_PROCESS_ROLES: "broker,controller",
          KAFKA_LISTENERS: "PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093",
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start(),
    );
    const registry = await new GenericContainer("apicurio/apicurio-registry:3.3.3")
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp("/apis/ccompat/v7/subjects", 8080))
      .start();
    containers.push(registry);
    const clickhouse = await new GenericContainer("clickhouse/clickhouse-server:25.8")
      .withExposedPorts(8123)
      .withEnvironment({ CLICKHOUSE_SKIP_USER_SETUP: "1" })
      .withWaitStrategy(Wait.forHttp("/ping", 8123))
      .start();
    containers.push(clickhouse);
    return {
      servers: {
        kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
        schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
        clickhouseUrl: `http://${clickhouse.getHost()}:${clickhouse.getMappedPort(8123)}`,
        source: "docker",
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
