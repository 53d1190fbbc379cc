import { inject } from "vitest";

/** Where the servers of this test run are; chosen once by the global setup. */
export interface TestServers {
  readonly kafkaBrokers: string[];
  readonly schemaRegistryUrl: string;
  /** Set when tests should use a ClickHouse server instead of the embedded engine. */
  readonly clickhouseUrl: string | undefined;
  /** How they were obtained: "environment", "docker" (testcontainers) or "local" (infra/scripts). */
  readonly source: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testServers: TestServers;
  }
}

export function testServers(): TestServers {
  return inject("testServers");
}
