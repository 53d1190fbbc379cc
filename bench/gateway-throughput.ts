import { createIdentifierHasher } from "@cx/channel-adapters";
import { buildGateway, createKafkaTouchpointWriter, gatewayEnvSchema } from "@cx/gateway";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import type { Logger } from "@cx/logging";

export interface GatewayThroughput {
  readonly gatewayEventsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

const secret = "bench-secret-bench-secret-bench";

function receipt(index: number) {
  return {
    receiptId: `bench-${index}`,
    storeId: "berlin-mitte",
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    kind: "sale",
    loyaltyCard: `L${String(index % 5000).padStart(7, "0")}`,
    customerEmail: `customer${index % 5000}@example.com`,
    currency: "EUR",
    lines: [
      { sku: "CABLE-USB-C-2M", quantity: 1, unitPrice: 19.99, discount: 0 },
      { sku: "CASE-PX9", quantity: 1, unitPrice: 29.5, discount: 5 },
    ],
    paymentStatus: "paid",
  };
}

/**
 * Store receipts posted over real HTTP in batches by concurrent clients, through adaptation,
 * hashing, Avro encoding and Kafka's acknowledgement (acks=all), for `seconds`.
 */
export async function measureGatewayThroughput(
  servers: { kafkaBrokers: string; schemaRegistryUrl: string },
  logger: Logger,
  {
    seconds,
    batchSize = 100,
    concurrency = 8,
  }: { seconds: number; batchSize?: number; concurrency?: number },
): Promise<GatewayThroughput> {
  const run = Date.now().toString(36);
  const env = gatewayEnvSchema.parse({
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    TOUCHPOINTS_TOPIC: `bench.touchpoints.${run}`,
    DEAD_LETTER_TOPIC: `bench.dead-letters.${run}`,
    GATEWAY_API_KEYS: `bench-tills:store:${secret}`,
    IDENTIFIER_HASH_KEY: "b".repeat(32),
    GATEWAY_PORT: "0",
    GATEWAY_RATE_LIMIT_PER_MINUTE: "100000000",
    GATEWAY_MAX_BATCH_EVENTS: String(batchSize),
  });
  const writer = await createKafkaTouchpointWriter(
    createKafka(env, logger),
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env,
  );
  const app = await buildGateway({
    env,
    writer,
    hasher: createIdentifierHasher(env.IDENTIFIER_HASH_KEY, "DE"),
    logger,
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  let sent = 0;
  let failed = 0;
  const deadline = Date.now() + seconds * 1000;
  const client = async () => {
    while (Date.now() < deadline) {
      const events = Array.from({ length: batchSize }, () => receipt(sent++));
      const response = await fetch(`${address}/v1/store/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ events }),
      });
      if (response.status !== 202) failed += batchSize;
      await response.arrayBuffer();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  await app.close();
  await writer.close();
  if (failed > 0) throw new Error(`${failed} benchmark events were not accepted`);
  return {
    gatewayEventsPerSecond: Math.round(sent / elapsed),
    setup: {
      events: sent,
      seconds: Number(elapsed.toFixed(1)),
      batchSize,
      concurrentClients: concurrency,
      eventShape: "store receipt, 2 lines, loyalty card + email (hashed)",
      partitions: env.KAFKA_PARTITIONS,
      acks: "all (idempotent producer)",
    },
  };
}
