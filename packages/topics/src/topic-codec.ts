import { type AvroCodec, createAvroCodec, type SchemaRegistryClient } from "@cx/kafka";
import type { PipelineTopic, RecordContract } from "./registry";

/**
 * The codec of a registry topic, under the topic's name in this environment: the name and the
 * contract come from one entry, so a stage cannot pair a topic with another topic's schema.
 */
export function topicCodec<Variable extends string, Value>(
  registry: SchemaRegistryClient,
  env: Readonly<Record<NoInfer<Variable>, string>>,
  topic: PipelineTopic<Variable, RecordContract<Value>>,
): Promise<AvroCodec<Value>> {
  return createAvroCodec<Value>(registry, env[topic.variable], topic.contract.schema);
}
