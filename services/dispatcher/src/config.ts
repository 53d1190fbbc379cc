import { positiveInt } from "@cx/config";
import { kafkaEnvSchema } from "@cx/kafka";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";
import { defaultRetrySchedule, parseSchedule } from "./retry-schedule";
import { secretBytes } from "./webhook-signature";

/** Delivery channels an offer can name (packages/offers' catalog). */
export const deliveryChannels = ["email", "sms", "push", "phone", "post"] as const;
type DeliveryChannel = (typeof deliveryChannels)[number];

/** "channel=value,channel=value" with each channel at most once; the value is everything after "=". */
const perChannel = <T>(parse: (value: string, channel: string) => T) =>
  z.string().transform((raw, context) => {
    const entries = new Map<DeliveryChannel, T>();
    for (const entry of raw
      .split(",")
      .map((each) => each.trim())
      .filter(Boolean)) {
      const at = entry.indexOf("=");
      const channel = entry.slice(0, at) as DeliveryChannel;
      if (at < 1 || !deliveryChannels.includes(channel) || entries.has(channel)) {
        context.addIssue({
          code: "custom",
          message: `each entry must be channel=value with a channel of ${deliveryChannels.join(", ")}, once`,
        });
        return z.NEVER;
      }
      try {
        entries.set(channel, parse(entry.slice(at + 1), channel));
      } catch (error) {
        context.addIssue({ code: "custom", message: `${channel}: ${(error as Error).message}` });
        return z.NEVER;
      }
    }
    return entries;
  });

const endpointUrl = (value: string) => {
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("must be an http(s) URL");
  if (url.username || url.password)
    throw new Error("must not carry credentials; receivers check the signature");
  return url;
};

export const dispatcherEnvSchema = z
  .object({
    ...kafkaEnvSchema.shape,
    ...pipelineTopicsEnvSchema.shape,
    DISPATCHER_GROUP_ID: z.string().min(1).default("cx-dispatcher"),
    /** Prefix of the per-partition transactional ids; one per pipeline. */
    DISPATCHER_TRANSACTIONAL_ID: z.string().min(1).default("cx-dispatcher"),
    /** "email=https://esp.example/hooks/cx,sms=https://sms.example/in": where each channel's offers go. */
    DISPATCHER_ENDPOINTS: perChannel((value) => endpointUrl(value)).default(new Map()),
    /** "email=whsec_…|whsec_…,sms=whsec_…": each endpoint's secrets; several while rotating. */
    DISPATCHER_SIGNING_SECRETS: perChannel((value) => value.split("|").map(secretBytes)).default(new Map()),
    DISPATCHER_ATTEMPT_TIMEOUT_MS: positiveInt.default(15_000),
    /** Delays before each retry ("5s,5m,30m,…"); attempts end with it or with the offer's expiry. */
    DISPATCHER_RETRY_SCHEDULE: z
      .string()
      .default(defaultRetrySchedule)
      .transform((raw, context) => {
        const schedule = parseSchedule(raw);
        if (schedule === null) {
          context.addIssue({
            code: "custom",
            message: "must be delays such as 5s,5m,2h (units ms, s, m, h)",
          });
          return z.NEVER;
        }
        return schedule;
      }),
    /**
     * Non-public address ranges endpoints may resolve to (ipaddr.js names: loopback, private,
     * linkLocal, uniqueLocal, carrierGradeNat, …). Empty: public addresses only (SSRF guard).
     */
    DISPATCHER_ALLOWED_ADDRESS_RANGES: z
      .string()
      .default("")
      .transform(
        (raw) =>
          new Set(
            raw
              .split(",")
              .map((each) => each.trim())
              .filter(Boolean),
          ),
      ),
    /** Channels whose endpoint, disabled by a 410, is to be used again from this start on. */
    DISPATCHER_REENABLE_CHANNELS: z
      .string()
      .default("")
      .transform(
        (raw) =>
          new Set(
            raw
              .split(",")
              .map((each) => each.trim())
              .filter(Boolean),
          ),
      ),
    /** How often due retries are looked for. */
    DISPATCHER_TICK_MS: positiveInt.default(1000),
    /** Attempts in flight at once per partition. */
    DISPATCHER_CONCURRENCY: positiveInt.default(16),
  })
  .superRefine((env, context) => {
    for (const channel of env.DISPATCHER_ENDPOINTS.keys())
      if (!env.DISPATCHER_SIGNING_SECRETS.has(channel))
        context.addIssue({
          code: "custom",
          path: ["DISPATCHER_SIGNING_SECRETS"],
          message: `needs a secret for ${channel}, which has an endpoint`,
        });
  });
export type DispatcherEnv = z.infer<typeof dispatcherEnvSchema>;
