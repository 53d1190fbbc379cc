import { ensureTopics, type KafkaEnv, type TopicSpec, type Transport } from "@cx/kafka";
import {
  type CoPartitionGroup,
  type PipelineTopic,
  type PipelineTopicVariable,
  pipelineTopicList,
} from "./registry";
import type { PipelineTopicsEnv } from "./topic-env";

export type PipelineTopicsKafkaEnv = PipelineTopicsEnv &
  Pick<KafkaEnv, "KAFKA_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">;

/** The topic's name in this environment and its shape: partitions, and compaction. */
export function pipelineTopicSpec(
  entry: PipelineTopic<PipelineTopicVariable>,
  env: PipelineTopicsKafkaEnv,
): TopicSpec {
  return {
    topic: env[entry.variable],
    partitions: entry.partitioning === "keyed" ? env.KAFKA_PARTITIONS : 1,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    ...(entry.compacted ? { compacted: true } : {}),
  };
}

export function pipelineTopicSpecs(env: PipelineTopicsKafkaEnv): TopicSpec[] {
  return pipelineTopicList.map((entry) => pipelineTopicSpec(entry, env));
}

/** The names of each co-partition group's topics in this environment. */
export function coPartitionedTopics(env: PipelineTopicsEnv): Map<CoPartitionGroup, string[]> {
  const groups = new Map<CoPartitionGroup, string[]>();
  for (const entry of pipelineTopicList)
    if (entry.coPartitionGroup)
      groups.set(entry.coPartitionGroup, [
        ...(groups.get(entry.coPartitionGroup) ?? []),
        env[entry.variable],
      ]);
  return groups;
}

/** Creates the pipeline's topics where they are missing and checks the ones that must line up. */
export async function ensurePipelineTopics(kafka: Transport, env: PipelineTopicsKafkaEnv): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, pipelineTopicSpecs(env));
    for (const group of coPartitionedTopics(env).values()) {
      const { topics } = await admin.fetchTopicMetadata({ topics: group });
      const counts = topics.map((topic) => `${topic.name}: ${topic.partitions.length}`);
      if (new Set(topics.map((topic) => topic.partitions.length)).size > 1)
        throw new Error(
          `topics ${counts.join(", ")} must have the same number of partitions (a stage restores each ` +
            "partition from the same partition of its changelog); recreate or add partitions to match",
        );
    }
  } finally {
    await admin.disconnect();
  }
}
