import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { startLocalStack } from "@cx/local-servers";
import type { TestProject } from "vitest/node";
import { startDockerServers } from "./docker-servers";
import type { TestServers } from "./test-servers";

function dockerAvailable(): boolean {
  try {
    execFileSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The one place that decides which servers a test run uses, and starts them once for the run:
 * 1. KAFKA_BROKERS and SCHEMA_REGISTRY_URL (and CLICKHOUSE_URL) from the environment;
 * 2. otherwise containers through testcontainers, where a Docker engine answers;
 * 3. otherwise a real broker and registry started from infra/scripts (jars from Maven Central).
 * ClickHouse is the embedded engine unless CLICKHOUSE_URL is set. Never a mock, never a skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const clickhouseUrl = process.env.CLICKHOUSE_URL || undefined;
  const envBrokers = process.env.KAFKA_BROKERS;
  const envRegistry = process.env.SCHEMA_REGISTRY_URL;
  const started = Date.now();

  if (envBrokers && envRegistry) {
    const servers: TestServers = {
      kafkaBrokers: envBrokers.split(",").map((broker) => broker.trim()),
      schemaRegistryUrl: envRegistry,
      clickhouseUrl,
      source: "environment",
    };
    project.provide("testServers", servers);
    return async () => undefined;
  }

  if (process.env.CX_TEST_SERVERS !== "local" && dockerAvailable()) {
    const docker = await startDockerServers();
    project.provide("testServers", {
      ...docker.servers,
      clickhouseUrl: clickhouseUrl ?? docker.servers.clickhouseUrl,
    });
    return docker.stop;
  }

  const stack = await startLocalStack(tmpdir());
  console.info(
    `test servers: Kafka ${stack.kafkaBrokers}, registry ${stack.schemaRegistryUrl} (up in ${Date.now() - started} ms; logs in ${stack.dataDir})`,
  );
  project.provide("testServers", {
    kafkaBrokers: stack.kafkaBrokers.split(","),
    schemaRegistryUrl: stack.schemaRegistryUrl,
    clickhouseUrl,
    source: "local",
  });
  // Their data is thrown away, so there is nothing to shut down cleanly for.
  return () => stack.stop(0);
}
