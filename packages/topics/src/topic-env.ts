import { z } from "zod";
import { type PipelineTopicVariable, pipelineTopicList } from "./registry";

/** Topic names are configuration so that tests (and several pipelines on one cluster) can keep apart. */
export const pipelineTopicsEnvSchema = z.object(
  Object.fromEntries(
    pipelineTopicList.map((entry) => [entry.variable, z.string().min(1).default(entry.defaultName)]),
  ) as Record<PipelineTopicVariable, z.ZodDefault<z.ZodString>>,
);
export type PipelineTopicsEnv = z.infer<typeof pipelineTopicsEnvSchema>;

/**
 * A name for every pipeline topic, from one function of the topic's base name ("touchpoints",
 * "offer_state"): how tests and benchmarks get topics of their own.
 */
export function pipelineTopicVariables(name: (base: string) => string): Record<string, string> {
  return Object.fromEntries(
    pipelineTopicList.map(({ variable }) => [variable, name(variable.replace(/_TOPIC$/, "").toLowerCase())]),
  );
}
