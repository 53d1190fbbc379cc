import { clickhouseEnvSchema } from "@cx/clickhouse";
import { kafkaEnvSchema, pipelineTopicsEnvSchema } from "@cx/kafka";
import { z } from "zod";

export const sinkEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  ...clickhouseEnvSchema.shape,
  SINK_GROUP_ID: z.string().min(1).default("cx-sink"),
});
export type SinkEnv = z.infer<typeof sinkEnvSchema>;
