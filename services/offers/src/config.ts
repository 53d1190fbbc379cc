import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { positiveInt } from "@cx/config";
import { kafkaEnvSchema } from "@cx/kafka";
import {
  defaultArbitration,
  defaultEngineSettings,
  type EngineSettings,
  holdoutEnvSchema,
  holdoutSettings,
  isTimeZone,
  type LearnerSettings,
  type OfferCatalog,
  parseCatalog,
} from "@cx/offers";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";

const shippedCatalog = fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url));

/** The catalog file, read and checked at start: a bad entry stops the service and is named. */
function readCatalog(path: string, context: z.RefinementCtx): OfferCatalog & { path: string } {
  try {
    return { ...parseCatalog(readFileSync(path, "utf8")), path };
  } catch (error) {
    context.addIssue({ code: "custom", message: `${path}: ${(error as Error).message}` });
    return z.NEVER;
  }
}

const hour = z.coerce.number().int().min(0).max(24);
const days = z.coerce.number().positive();

export const offersEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  ...holdoutEnvSchema.shape,
  OFFERS_CATALOG_FILE: z.string().default(shippedCatalog).transform(readCatalog),
  OFFERS_GROUP_ID: z.string().min(1).default("cx-offers"),
  /** Prefix of the per-partition transactional ids; one per pipeline. */
  OFFERS_TRANSACTIONAL_ID: z.string().min(1).default("cx-offers"),
  OFFERS_DEFAULT_TIME_ZONE: z
    .string()
    .default("Europe/Berlin")
    .refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin"),
  OFFERS_CAP_CHANNEL_PER_DAY: positiveInt.default(1),
  OFFERS_CAP_CHANNEL_PER_WEEK: positiveInt.default(2),
  OFFERS_CAP_PER_DAY: positiveInt.default(2),
  OFFERS_CAP_PER_WEEK: positiveInt.default(4),
  OFFERS_QUIET_FROM_HOUR: hour.default(21),
  OFFERS_QUIET_TO_HOUR: hour.default(8),
  OFFERS_COOLING_OFF_DAYS: days.default(14),
  OFFERS_DECLINES_TO_SUPPRESS: positiveInt.default(2),
  OFFERS_DECLINE_WINDOW_DAYS: days.default(60),
  OFFERS_SURVEY_AFTER_DAYS: days.default(3),
  OFFERS_CHECK_BACK_AFTER_DAYS: days.default(7),
  OFFERS_PRIOR_ACCEPTED: z.coerce.number().positive().default(1),
  OFFERS_PRIOR_REFUSED: z.coerce.number().positive().default(9),
  OFFERS_LEARNER_DECAY: z.coerce.number().gt(0).max(1).default(0.995),
  /**
   * How many outcomes a context's prior (what the wider contexts it belongs to learned) is worth at
   * most; 0 = every context learns alone from the flat prior.
   */
  OFFERS_LEARNER_POOLING: z.coerce.number().min(0).default(300),
  /** Off switches for the priority factors, e.g. "lever" or "propensity,context". */
  OFFERS_DISABLED_FACTORS: z
    .string()
    .default("")
    .transform((raw) =>
      raw
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(["propensity", "context", "value", "lever"]))),
  /** A marketing action expected to be worth less than this (minor units) is not sent: no offer is better. */
  OFFERS_MIN_EXPECTED_VALUE_MINOR: z.coerce.number().min(0).default(500),
  OFFERS_EXPLORE: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  /** How often due follow-ups and expiries are checked by the wall clock; 0 = only as events arrive. */
  OFFERS_TICK_MS: z.coerce.number().int().min(0).default(10_000),
});
export type OffersEnv = z.infer<typeof offersEnvSchema>;

/** The engine's and learner's settings from the configuration. */
export function offerSettings(env: OffersEnv): { engine: EngineSettings; learner: LearnerSettings } {
  const off = new Set(env.OFFERS_DISABLED_FACTORS);
  return {
    engine: {
      ...defaultEngineSettings,
      policy: {
        defaultTimeZone: env.OFFERS_DEFAULT_TIME_ZONE,
        perChannel: { perDay: env.OFFERS_CAP_CHANNEL_PER_DAY, perWeek: env.OFFERS_CAP_CHANNEL_PER_WEEK },
        overall: { perDay: env.OFFERS_CAP_PER_DAY, perWeek: env.OFFERS_CAP_PER_WEEK },
        quietHours: { from: env.OFFERS_QUIET_FROM_HOUR, to: env.OFFERS_QUIET_TO_HOUR },
        coolingOffDays: env.OFFERS_COOLING_OFF_DAYS,
        declineSuppression: {
          declines: env.OFFERS_DECLINES_TO_SUPPRESS,
          withinDays: env.OFFERS_DECLINE_WINDOW_DAYS,
        },
      },
      arbitration: {
        ...defaultArbitration,
        factors: {
          propensity: !off.has("propensity"),
          context: !off.has("context"),
          value: !off.has("value"),
          lever: !off.has("lever"),
        },
        explore: env.OFFERS_EXPLORE,
        minExpectedValueMinor: env.OFFERS_MIN_EXPECTED_VALUE_MINOR,
      },
      followUps: {
        surveyAfterDays: env.OFFERS_SURVEY_AFTER_DAYS,
        checkBackAfterDays: env.OFFERS_CHECK_BACK_AFTER_DAYS,
      },
      holdout: holdoutSettings(env),
    },
    learner: {
      priorAccepted: env.OFFERS_PRIOR_ACCEPTED,
      priorRefused: env.OFFERS_PRIOR_REFUSED,
      decay: env.OFFERS_LEARNER_DECAY,
      pooling: env.OFFERS_LEARNER_POOLING,
    },
  };
}
