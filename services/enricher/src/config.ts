import { readFileSync } from "node:fs";
import { commaSeparatedList, positiveInt } from "@cx/config";
import { identifierKinds } from "@cx/contracts";
import { type FittedModels, parseFittedModels } from "@cx/customer-value";
import { defaultIdentityLimits, type IdentityLimits } from "@cx/identity";
import { kafkaEnvSchema } from "@cx/kafka";
import { holdoutEnvSchema } from "@cx/offers";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";

export const enricherStages = ["identity", "profile"] as const;

/** "email=2,device=10": per-kind overrides of the identity limits. */
const identityLimits = z.string().transform((raw, context): IdentityLimits => {
  const perKind = { ...defaultIdentityLimits.perKind };
  for (const entry of raw.split(",")) {
    const [kind, limit] = entry.trim().split("=");
    const value = Number(limit);
    if (
      !kind ||
      !(identifierKinds as readonly string[]).includes(kind) ||
      !Number.isInteger(value) ||
      value < 1
    ) {
      context.addIssue({
        code: "custom",
        message: `each entry must be kind=limit with kind one of ${identifierKinds.join(", ")} and a whole limit of at least 1`,
      });
      return z.NEVER;
    }
    perKind[kind as keyof typeof perKind] = value;
  }
  return { perKind };
});

/** A file written by `cx clv fit`, read and checked at start so a bad fit stops the enricher. */
const modelFile = z.string().transform((path, context): FittedModels => {
  try {
    return parseFittedModels(readFileSync(path, "utf8"), path);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

export const enricherEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  /** The offer engine's holdout, so the profile stage marks the same customers the engine holds out. */
  ...holdoutEnvSchema.shape,
  /** Which stages this process runs; both by default, one each to scale them apart. */
  ENRICHER_STAGES: commaSeparatedList
    .pipe(z.array(z.enum(enricherStages)).min(1))
    .default([...enricherStages]),
  ENRICHER_IDENTITY_GROUP_ID: z.string().min(1).default("cx-enricher-identity"),
  /** One per pipeline: a new owner of the identity stage fences off the old one with it. */
  ENRICHER_IDENTITY_TRANSACTIONAL_ID: z.string().min(1).default("cx-enricher-identity"),
  ENRICHER_PROFILE_GROUP_ID: z.string().min(1).default("cx-enricher-profile"),
  /** Fitted BG/NBD and Gamma-Gamma parameters (`cx clv fit … > models.json`); without it value is history only. */
  ENRICHER_MODEL_FILE: modelFile.optional(),
  CLV_HORIZON_WEEKS: positiveInt.default(52),
  CLV_YEARLY_DISCOUNT_RATE: z.coerce.number().min(0).max(1).default(0.1),
  IDENTITY_LIMITS: identityLimits.optional(),
});
export type EnricherEnv = z.infer<typeof enricherEnvSchema>;
