import { readFileSync } from "node:fs";
import { createIdentifierHasher } from "@cx/channel-adapters";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { testPipelineVariables } from "@cx/testing";
import { type GatewayEnv, gatewayEnvSchema } from "./config";
import { buildGateway } from "./gateway-app";
import { createKafkaTouchpointWriter } from "./touchpoint-writer";

/** What the gateway's tests share: keys, the channels' samples, a gateway on the test broker. */

export const logger = createLogger("gateway-test", "silent");
export const secrets = {
  store: "s".repeat(30),
  phone: "p".repeat(30),
  web: "w".repeat(30),
  social: "x".repeat(30),
};
export const marketingSecret = "m".repeat(30);

const sample = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../packages/channel-adapters/src/samples/${name}.json`, import.meta.url),
      "utf8",
    ),
  );
export const samples = {
  store: sample("store-receipt"),
  phone: sample("call-record"),
  web: sample("web-analytics"),
  social: sample("social-webhook"),
};

export function gatewayEnv(overrides: Record<string, string> = {}): GatewayEnv {
  return gatewayEnvSchema.parse({
    ...testPipelineVariables(),
    GATEWAY_API_KEYS: Object.entries(secrets)
      .map(([channel, secret]) => `${channel}-system:${channel}:${secret}`)
      .join(","),
    GATEWAY_MARKETING_KEYS: `crm:${marketingSecret}`,
    IDENTIFIER_HASH_KEY: "k".repeat(32),
    GATEWAY_MAX_BODY_BYTES: String(64 * 1024),
    GATEWAY_MAX_BATCH_EVENTS: "20",
    GATEWAY_KAFKA_TIMEOUT_MS: "3000",
    ...overrides,
  });
}

export async function startGateway(env: GatewayEnv) {
  const kafka = createKafka(env, logger);
  const writer = await createKafkaTouchpointWriter(kafka, createSchemaRegistry(env.SCHEMA_REGISTRY_URL), env);
  const hasher = createIdentifierHasher(env.IDENTIFIER_HASH_KEY, "DE");
  const app = await buildGateway({ env, writer, hasher, logger });
  return { app, writer, kafka };
}

export const auth = (channel: keyof typeof secrets) => ({ authorization: `Bearer ${secrets[channel]}` });
export const marketingAuth = { authorization: `Bearer ${marketingSecret}` };
export const json = { "content-type": "application/json" };
