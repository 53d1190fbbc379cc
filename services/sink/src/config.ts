import { clickhouseEnvSchema } from "@cx/clickhouse";
import { kafkaEnvSchema } from "@cx/kafka";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { z } from "zod";

export const sinkEnvSchema = z.object({
  ...kafkaEnvSchema.shape,
  ...pipelineTopicsEnvSchema.shape,
  ...clickhouseEnvSchema.shape,
  SINK_GROUP_ID: z.string().min(1).default("cx-sink"),
  /** Rows that start an insert at once; an insert carries about this many (whole partition batches). */
  SINK_BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  /** The longest a record waits for its insert to start (the broker's fetch wait included). */
  SINK_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
});
export type SinkEnv = z.infer<typeof sinkEnvSchema>;
