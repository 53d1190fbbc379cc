// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { createIdentifierHasher } from "@cx/channel-adapters";
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { defaultMetricsPorts } from "@cx/observability";
import { runService } from "@cx/runtime";
import { gatewayEnvSchema } from "./config";
import { buildGateway } from "./gateway-app";
import { segmentEnvSchema } from "./segment";
import { createKafkaTouchpointWriter } from "./touchpoint-writer";

await runService(
  "gateway",
  async (logger) => {
    const env = loadConfig(gatewayEnvSchema);
    const segment = loadConfig(segmentEnvSchema);
    const writer = await createKafkaTouchpointWriter(
      createKafka(env, logger),
      createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      env,
    );
    const hasher = createIdentifierHasher(
      env.IDENTIFIER_HASH_KEY,
      env.GATEWAY_DEFAULT_COUNTRY as Parameters<typeof createIdentifierHasher>[1],
    );
    let app: Awaited<ReturnType<typeof buildGateway>>;
    try {
      app = await buildGateway({ env, writer, hasher, logger, segment });
      const address = await app.listen({ host: env.GATEWAY_HOST, port: env.GATEWAY_PORT });
      logger.info(
        {
          address,
          keys: env.GATEWAY_API_KEYS.map((key) => `${key.name}:${key.channel}`),
          segmentSources: (segment.SEGMENT_WRITE_KEYS ?? []).map((key) => `${key.name}:${key.channel}`),
        },
        "listening",
      );
    } catch (error) {
      await writer.close().catch(() => undefined);
      throw error;
    }
    return {
      async stop() {
        await app.close(); // stops accepting, lets in-flight requests finish their Kafka writes
        await writer.close();
      },
    };
  },
  { metricsPort: defaultMetricsPorts.gateway, retryStart: true },
);
