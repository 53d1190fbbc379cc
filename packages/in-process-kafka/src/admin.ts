import type { Admin, ITopicConfig, ITopicMetadata } from "kafkajs";
import type { Broker } from "./broker";
import { describeGroup } from "./consumer";
import { nonRetriable, protocolError } from "./errors";
import { adminEvents, Instrumentation, silentLogger } from "./instrumentation";

/** The admin operations the project uses (and a few neighbours), on the in-process broker. */
export function createAdmin(broker: Broker): Admin {
  const instrumentation = new Instrumentation(Object.values(adminEvents));
  const unusedGroup = (groupId: string) => {
    if ((broker.groups.get(groupId)?.members.size ?? 0) > 0)
      throw nonRetriable("The consumer group must have no running instances, current state: Stable");
    return broker.group(groupId);
  };
  const admin = {
    events: adminEvents,
    async connect() {
      instrumentation.emit(adminEvents.CONNECT, null);
    },
    async disconnect() {
      instrumentation.emit(adminEvents.DISCONNECT, null);
    },
    on: (eventName: string, listener: (event: never) => unknown) => instrumentation.on(eventName, listener),
    logger: () => silentLogger,

    async listTopics() {
      return [...broker.topics.keys()];
    },
    async createTopics({ topics, validateOnly }: { topics: ITopicConfig[]; validateOnly?: boolean }) {
      let existed = false;
      for (const { topic, numPartitions, configEntries } of topics) {
        if (broker.topics.has(topic)) {
          existed = true;
          continue;
        }
        if (validateOnly) continue;
        const partitions =
          numPartitions === undefined || numPartitions < 0 ? broker.defaultPartitions : numPartitions;
        broker.createTopic(
          topic,
          partitions,
          Object.fromEntries((configEntries ?? []).map(({ name, value }) => [name, value])),
        );
      }
      // kafkajs answers false when topics already existed (the others are created all the same).
      return !existed;
    },
    async deleteTopics({ topics }: { topics: string[] }) {
      for (const topic of topics) broker.deleteTopic(topic);
    },
    async createPartitions({ topicPartitions }: { topicPartitions: { topic: string; count: number }[] }) {
      for (const { topic, count } of topicPartitions) broker.topic(topic).grow(count);
      return true;
    },
    async fetchTopicMetadata(options?: { topics: string[] }) {
      const names = options?.topics?.length ? options.topics : [...broker.topics.keys()];
      const topics: ITopicMetadata[] = names.map((name) => {
        const topic = broker.topic(name);
        return { name, partitions: topic.metadata.map((entry) => ({ ...entry })) };
      });
      return { topics };
    },
    async fetchTopicOffsets(name: string) {
      return broker.topic(name).partitions.map((log, partition) => ({
        partition,
        offset: String(log.high),
        high: String(log.high),
        low: String(log.base),
      }));
    },
    async fetchTopicOffsetsByTimestamp(name: string, timestamp?: number) {
      return broker.topic(name).partitions.map((log, partition) => {
        const found =
          timestamp === undefined
            ? undefined
            : log.records.find((record) => Number(record.timestamp) >= timestamp);
        return { partition, offset: found?.offset ?? String(log.high) };
      });
    },
    async fetchOffsets({ groupId, topics }: { groupId: string; topics?: string[] }) {
      const group = broker.groups.get(groupId);
      const names = topics ?? [...(group?.committed.keys() ?? [])];
      return names.map((topic) => ({
        topic,
        partitions: broker.topic(topic).partitions.map((_, partition) => {
          const committed = group?.committed.get(topic)?.get(partition);
          return { partition, offset: committed?.offset ?? "-1", metadata: committed?.metadata ?? null };
        }),
      }));
    },
    async setOffsets({
      groupId,
      topic,
      partitions,
    }: {
      groupId: string;
      topic: string;
      partitions: { partition: number; offset: string }[];
    }) {
      const group = unusedGroup(groupId);
      broker.topic(topic);
      for (const { partition, offset } of partitions) group.commit(topic, partition, offset);
    },
    async resetOffsets({ groupId, topic, earliest }: { groupId: string; topic: string; earliest: boolean }) {
      const group = unusedGroup(groupId);
      for (const [partition, log] of broker.topic(topic).partitions.entries())
        group.commit(topic, partition, String(earliest ? log.base : log.high));
    },
    async describeCluster() {
      return {
        brokers: [{ nodeId: 0, host: "in-process", port: 0 }],
        controller: 0,
        clusterId: broker.clusterId,
      };
    },
    async listGroups() {
      return { groups: [...broker.groups.keys()].map((groupId) => ({ groupId, protocolType: "consumer" })) };
    },
    async describeGroups(groupIds: string[]) {
      return { groups: groupIds.map((groupId) => describeGroup(broker.group(groupId))) };
    },
    async deleteGroups(groupIds: string[]) {
      for (const groupId of groupIds) {
        const group = broker.groups.get(groupId);
        if (!group) throw protocolError("GROUP_ID_NOT_FOUND", 69, `The group id does not exist (${groupId})`);
        if (group.members.size > 0)
          throw protocolError("NON_EMPTY_GROUP", 68, `The group is not empty (${groupId})`);
      }
      for (const groupId of groupIds) broker.groups.delete(groupId);
      return groupIds.map((groupId) => ({ groupId, errorCode: 0 }));
    },
  };
  return admin as unknown as Admin;
}
