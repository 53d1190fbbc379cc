import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dispatcherEnvSchema, startDispatcher } from "@cx/dispatcher";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { offerRecord, publishOffers } from "@cx/testing";
import { ensurePipelineTopics, pipelineTopicVariables } from "@cx/topics";

export interface WebhookThroughput {
  readonly webhookDeliveriesPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * Offers already on the offers topic, delivered by the dispatcher as signed webhooks to a local
 * receiver that answers 204 at once: from the dispatcher's start (group join and state restore
 * included) until the receiver has acknowledged every decision; each batch's attempt records,
 * state and offsets are committed in its transaction, as in production.
 */
export async function measureWebhookDeliveries(
  servers: { kafkaBrokers: string; schemaRegistryUrl: string },
  logger: Logger,
  { offers, partitions = 6 }: { offers: number; partitions?: number },
): Promise<WebhookThroughput> {
  const run = Date.now().toString(36);
  let acknowledged = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(204).end();
      if (++acknowledged === offers) allDone();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const env = dispatcherEnvSchema.parse({
    ...pipelineTopicVariables((base) => `bench.${base}.${run}`),
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    KAFKA_PARTITIONS: String(partitions),
    DISPATCHER_GROUP_ID: `bench-dispatcher-${run}`,
    DISPATCHER_TRANSACTIONAL_ID: `bench-dispatcher-${run}`,
    DISPATCHER_ENDPOINTS: `email=http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    DISPATCHER_SIGNING_SECRETS: `email=whsec_${Buffer.alloc(32, 9).toString("base64")}`,
    DISPATCHER_ALLOWED_ADDRESS_RANGES: "loopback",
  });
  const kafka = createKafka(env, logger);
  const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  await ensurePipelineTopics(kafka, env);
  for (let sent = 0; sent < offers; sent += 1000)
    await publishOffers(
      kafka,
      registry,
      env.OFFERS_TOPIC,
      Array.from({ length: Math.min(1000, offers - sent) }, (_, index) =>
        offerRecord(`bench-${run}-${sent + index}`, "email"),
      ),
    );
  const started = performance.now();
  const dispatcher = await startDispatcher({ kafka, registry, logger, env });
  try {
    await done;
    const seconds = (performance.now() - started) / 1000;
    return {
      webhookDeliveriesPerSecond: Math.round(offers / seconds),
      setup: {
        offers,
        partitions,
        concurrencyPerPartition: env.DISPATCHER_CONCURRENCY,
        seconds: Number(seconds.toFixed(2)),
        receiver: "local HTTP server answering 204 at once; start-up included",
      },
    };
  } finally {
    await dispatcher.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
