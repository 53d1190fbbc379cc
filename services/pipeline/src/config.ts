import { positiveInt } from "@cx/config";
import { sinkEnvSchema } from "@cx/sink";
import { z } from "zod";

export const pipelineEnvSchema = z.object({
  ...sinkEnvSchema.shape,
  /** How many sample touchpoints the run sends through the pipeline. */
  PIPELINE_EVENTS: positiveInt.default(5000),
  PIPELINE_SEED: z.coerce.number().int().default(42),
});
export type PipelineEnv = z.infer<typeof pipelineEnvSchema>;
