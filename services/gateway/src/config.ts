import { positiveInt } from "@cx/config";
import { channels } from "@cx/contracts";
import { kafkaEnvSchema, pipelineTopicsEnvSchema } from "@cx/kafka";
import { z } from "zod";

export interface ApiKeyConfig {
  /** Names the channel system in logs, dead letters and touchpoints' sourceSystem. */
  readonly name: string;
  readonly channel: (typeof channels)[number];
  readonly secret: string;
}

/** "name:channel:secret,name:channel:secret" — one key per channel system. */
export const apiKeys = z
  .string()
  .min(1)
  .transform((raw, context): ApiKeyConfig[] => {
    const keys: ApiKeyConfig[] = [];
    for (const entry of raw.split(",")) {
      const [name, channel, secret, ...rest] = entry.trim().split(":");
      if (!name || !channel || !secret || rest.length > 0) {
        context.addIssue({ code: "custom", message: "each entry must be name:channel:secret" });
        return z.NEVER;
      }
      if (!(channels as readonly string[]).includes(channel)) {
        context.addIssue({
          code: "custom",
          message: `${name}: channel must be one of ${channels.join(", ")}`,
        });
        return z.NEVER;
      }
      if (secret.length < 24) {
        context.addIssue({ code: "custom", message: `${name}: secret must have at least 24 characters` });
        return z.NEVER;
      }
      keys.push({ name, channel: channel as ApiKeyConfig["channel"], secret });
    }
    if (new Set(keys.map((key) => key.name)).size !== keys.length) {
      context.addIssue({ code: "custom", message: "key names must be unique" });
      return z.NEVER;
    }
    return keys;
  });

export const gatewayEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  GATEWAY_API_KEYS: apiKeys,
  /** Keys the HMAC of emails and phone numbers; rotating it splits every customer in two. */
  IDENTIFIER_HASH_KEY: z.string().min(32, "must have at least 32 characters"),
  /** Country assumed for phone numbers written without an international prefix. */
  GATEWAY_DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code")
    .default("DE"),
  GATEWAY_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  GATEWAY_MAX_BATCH_EVENTS: positiveInt.default(500),
  GATEWAY_RATE_LIMIT_PER_MINUTE: positiveInt.default(6000),
  /** How long a request waits for Kafka's acknowledgement before the gateway answers 503. */
  GATEWAY_KAFKA_TIMEOUT_MS: positiveInt.default(5000),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
