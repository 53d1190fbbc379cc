import kafkajs, { type ICustomPartitioner, type Kafka, type PartitionAssigner } from "kafkajs";
import { keyPartition } from "../murmur2";
import type { Admin, AssignmentStrategy, Consumer, Producer, Transport } from "../transport";
import { coPartitionedAssigner } from "./co-partitioned-assigner";
import { singleOwnerAssigner } from "./single-owner-assigner";

// kafkajs is CommonJS: its enums are on the default export, not named ESM exports.
const { ConfigResourceTypes } = kafkajs;

/**
 * kafkajs' DefaultPartitioner, computed in 32-bit arithmetic: the same partitions (the conformance
 * suite checks it), without the emulated 64-bit Longs and the per-record list of available
 * partitions that cost about 5 % of the whole pipeline's CPU over Kafka.
 */
const defaultPartitioner: ICustomPartitioner = () => {
  const unkeyed = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined)
      return keyPartition(message.key, partitionMetadata.length);
    const next = unkeyed.get(topic) ?? Math.floor(Math.random() * 2 ** 31);
    unkeyed.set(topic, next + 1);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    const from = available.length > 0 ? available : partitionMetadata;
    return (from[next % from.length] as (typeof from)[0]).partitionId;
  };
};

/** What a real broker's transport adds: its cluster id and topic configs (for `cx topics`). */
export interface BrokerAdmin extends Admin {
  /** Moves a group's committed offsets of a topic back to its start (the group must be empty). */
  resetOffsetsToEarliest(groupId: string, topic: string): Promise<void>;
  /** Each topic's cleanup.policy, as the broker has it. */
  cleanupPolicies(topics: string[]): Promise<Map<string, string | undefined>>;
}

export interface KafkajsTransport extends Transport {
  admin(): BrokerAdmin;
}

/**
 * The real broker's transport: kafkajs' own producer and admin, its consumer with our assignment
 * strategies. Every producer uses Kafka's default (murmur2) partitioner, so a key lands where a
 * Java client would put it and co-partitioned topics stay aligned.
 */
export function kafkajsTransport(kafka: Kafka): KafkajsTransport {
  // One start time per process: a member recreated after a crash keeps its place as the first-joined
  // owner instead of handing the graph to a standby.
  const startedAt = Date.now();
  const assigners: Record<AssignmentStrategy, PartitionAssigner[] | undefined> = {
    spread: undefined,
    "single-owner": [singleOwnerAssigner(startedAt)],
    "co-partitioned": [coPartitionedAssigner()],
  };
  return {
    consumer({ assignment = "spread", ...config }): Consumer {
      const partitionAssigners = assigners[assignment];
      return kafka.consumer({ ...config, ...(partitionAssigners ? { partitionAssigners } : {}) });
    },
    producer(config = {}): Producer {
      return kafka.producer({ ...config, createPartitioner: defaultPartitioner });
    },
    admin(): BrokerAdmin {
      const admin = kafka.admin();
      return {
        connect: () => admin.connect(),
        disconnect: () => admin.disconnect(),
        listTopics: () => admin.listTopics(),
        createTopics: (options) => admin.createTopics(options),
        fetchTopicMetadata: (options) => admin.fetchTopicMetadata(options),
        fetchTopicOffsets: (topic) => admin.fetchTopicOffsets(topic),
        fetchOffsets: (options) => admin.fetchOffsets(options),
        deleteGroups: (groupIds) => admin.deleteGroups(groupIds),
        deleteTopics: (options) => admin.deleteTopics(options),
        describeCluster: () => admin.describeCluster(),
        resetOffsetsToEarliest: (groupId, topic) => admin.resetOffsets({ groupId, topic, earliest: true }),
        async cleanupPolicies(topics) {
          if (topics.length === 0) return new Map();
          const { resources } = await admin.describeConfigs({
            includeSynonyms: false,
            resources: topics.map((name) => ({
              type: ConfigResourceTypes.TOPIC,
              name,
              configNames: ["cleanup.policy"],
            })),
          });
          return new Map(
            resources.map((resource) => [
              resource.resourceName,
              resource.configEntries.find((entry) => entry.configName === "cleanup.policy")?.configValue,
            ]),
          );
        },
      };
    },
  };
}
