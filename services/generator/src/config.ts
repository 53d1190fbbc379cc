import { parseArgs } from "node:util";
import { positiveInt } from "@cx/config";
import { kafkaEnvSchema } from "@cx/kafka";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";

export const generatorEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  /** Starting population of the workload (promoters' referrals add some). */
  GENERATOR_CUSTOMERS: positiveInt.default(500),
  /** Days of activity, ending at the start of today (UTC). */
  GENERATOR_DAYS: positiveInt.default(90),
  GENERATOR_SEED: z.coerce.number().int().default(42),
  /** Stop after this many touchpoints; unset = the whole period. */
  GENERATOR_EVENTS: positiveInt.optional(),
  /** Also answer the pipeline's offers (cx.offers) as the workload's customers would. */
  GENERATOR_ANSWER_OFFERS: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  /** With answers on: stop once the stream is sent and no offer came for this long. */
  GENERATOR_ANSWER_IDLE_SECONDS: positiveInt.default(30),
  GENERATOR_ANSWER_GROUP_ID: z.string().min(1).default("cx-generator-answers"),
  /** The gateway's identifier HMAC key, so hashed emails and phones match what it would send. */
  IDENTIFIER_HASH_KEY: z.string().min(32, "must have at least 32 characters").optional(),
});

const flags = {
  customers: "GENERATOR_CUSTOMERS",
  days: "GENERATOR_DAYS",
  seed: "GENERATOR_SEED",
  events: "GENERATOR_EVENTS",
} as const;
const switches = { "answer-offers": "GENERATOR_ANSWER_OFFERS" } as const;

/**
 * The environment with command-line flags laid over it: `npm run generate -- --customers 5000
 * --days 180 --seed 7 --events 100000 --answer-offers` sets the GENERATOR_* variables of the same
 * meaning.
 */
export function generatorEnv(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: "string" as const }])),
      ...Object.fromEntries(Object.keys(switches).map((flag) => [flag, { type: "boolean" as const }])),
    },
    strict: true,
  });
  const overrides = Object.entries(flags).flatMap(([flag, variable]) => {
    const value = values[flag];
    return typeof value === "string" ? [[variable, value] as const] : [];
  });
  const switched = Object.entries(switches).flatMap(([flag, variable]) =>
    values[flag] === true ? [[variable, "true"] as const] : [],
  );
  return { ...env, ...Object.fromEntries(overrides), ...Object.fromEntries(switched) };
}
