import { positiveInt } from "@cx/config";
import { channels } from "@cx/contracts";
import { kafkaEnvSchema } from "@cx/kafka";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";

interface KeyConfig {
  /** Names the system in logs, dead letters and the records it sends (sourceSystem). */
  readonly name: string;
  readonly secret: string;
}

/** A channel system's key: it may post events of its own channel only. */
export interface ApiKeyConfig extends KeyConfig {
  readonly channel: (typeof channels)[number];
}

/** A marketing tool's key: it may report offer outcomes only. */
export type MarketingKeyConfig = KeyConfig;

/**
 * A comma-separated list of keys, each of colon-separated fields; `entry` reads one key's fields or
 * says what is wrong with them. Secrets need 24 characters, names must be unique.
 */
function keyList<K extends KeyConfig>(entry: (fields: string[]) => K | string) {
  return z.string().transform((raw, context): K[] => {
    const fail = (message: string) => {
      context.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    const keys: K[] = [];
    for (const text of raw.split(",")) {
      const key = entry(text.trim().split(":"));
      if (typeof key === "string") return fail(key);
      if (key.secret.length < 24) return fail(`${key.name}: secret must have at least 24 characters`);
      keys.push(key);
    }
    if (new Set(keys.map((key) => key.name)).size !== keys.length) return fail("key names must be unique");
    return keys;
  });
}

/** "name:channel:secret,name:channel:secret" — one key per channel system. */
export const apiKeys = keyList<ApiKeyConfig>(([name, channel, secret, ...rest]) => {
  if (!name || !channel || !secret || rest.length > 0) return "each entry must be name:channel:secret";
  if (!(channels as readonly string[]).includes(channel))
    return `${name}: channel must be one of ${channels.join(", ")}`;
  return { name, channel: channel as ApiKeyConfig["channel"], secret };
});

/** "name:secret,name:secret" — one key per marketing tool. */
const marketingKeys = keyList<MarketingKeyConfig>(([name, secret, ...rest]) => {
  if (!name || !secret || rest.length > 0) return "each entry must be name:secret";
  return { name, secret };
});

export const gatewayEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  GATEWAY_API_KEYS: z.string().min(1).pipe(apiKeys),
  /** Keys of marketing tools that report offer outcomes; unset, nobody may. */
  GATEWAY_MARKETING_KEYS: marketingKeys.default([]),
  /** Keys the HMAC of emails and phone numbers; rotating it splits every customer in two. */
  IDENTIFIER_HASH_KEY: z.string().min(32, "must have at least 32 characters"),
  /** Country assumed for phone numbers written without an international prefix. */
  GATEWAY_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code")
    .default("DE"),
  GATEWAY_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  GATEWAY_MAX_BATCH_EVENTS: positiveInt.default(500),
  /** Levels of objects and arrays one event may nest; a deeper one is rejected on its own. */
  GATEWAY_MAX_JSON_DEPTH: positiveInt.default(20),
  GATEWAY_RATE_LIMIT_PER_MINUTE: positiveInt.default(6000),
  /** How long a request waits for Kafka's acknowledgement before the gateway answers 503. */
  GATEWAY_KAFKA_TIMEOUT_MS: positiveInt.default(5000),
  /** How long a client may take to send a request's headers. */
  GATEWAY_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  /** How much longer it may take to send the body; a stalled request is answered 408 and closed. */
  GATEWAY_BODY_TIMEOUT_MS: positiveInt.default(30_000),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
