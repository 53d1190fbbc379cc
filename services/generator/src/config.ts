import { positiveInt } from "@cx/config";
import { kafkaEnvSchema, pipelineTopicsEnvSchema } from "@cx/kafka";
import { z } from "zod";

export const generatorEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  GENERATOR_EVENTS: positiveInt.default(1000),
  GENERATOR_SEED: z.coerce.number().int().default(42),
});
