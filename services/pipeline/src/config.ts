import { positiveInt } from "@cx/config";
import { enricherEnvSchema } from "@cx/enricher";
import { offersEnvSchema } from "@cx/offers-service";
import { sinkEnvSchema } from "@cx/sink";
import { z } from "zod";

export const pipelineEnvSchema = z.object({
  ...enricherEnvSchema.shape,
  ...offersEnvSchema.shape,
  ...sinkEnvSchema.shape,
  /**
   * The demo runs follow-ups and expiries on its simulated clock, day by day. A wall-clock tick
   * would run them as of today, past every simulated day: pending offers would expire, and how
   * many depended on how many seconds the run took.
   */
  OFFERS_TICK_MS: z.coerce
    .number()
    .int()
    .refine((value) => value === 0, "must be 0 for the demo, which ticks on its simulated clock")
    .default(0),
  /** The webhook dispatcher's group (services/dispatcher), which runs as its own service only. */
  DISPATCHER_GROUP_ID: z.string().min(1).default("cx-dispatcher"),
  /** The demo workload: how many customers at the start (referrals add more), over how many days. */
  PIPELINE_CUSTOMERS: positiveInt.default(6000),
  PIPELINE_DAYS: positiveInt.default(120),
  PIPELINE_SEED: z.coerce.number().int().default(42),
  /** Whether the workload's customers answer the offers the pipeline sends (the feedback loop). */
  PIPELINE_ANSWER_OFFERS: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  /** Also write the closing summary here, as JSON (for scripts and the test). */
  PIPELINE_SUMMARY_FILE: z.string().min(1).optional(),
  /** The HTML report (`cx report`) the run ends by writing. */
  PIPELINE_REPORT_FILE: z.string().min(1).default(".data/report.html"),
});
export type PipelineEnv = z.infer<typeof pipelineEnvSchema>;
