import { AssignerProtocol, type PartitionAssigner } from "kafkajs";

/**
 * Gives partition p of every subscribed topic to the same member, so a stage that keeps state per
 * partition and reads two topics keyed alike (the offers stage: enriched touchpoints and offer
 * responses, both by customer id) sees all of a customer's records in one place. Kafka's round
 * robin spreads each topic's partitions on its own and would split them.
 */
export function coPartitionedAssigner(): PartitionAssigner {
  const name = "CoPartitionedAssigner";
  const version = 1;
  return ({ cluster }) => ({
    name,
    version,
    async assign({ members, topics }) {
      const assignments = coPartitionedAssignment(
        members.map((member) => member.memberId),
        topics,
        (topic) => cluster.findTopicPartitionMetadata(topic).map(({ partitionId }) => partitionId),
      );
      return [...assignments].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}

/** Partition p of every topic to the member at p modulo the members (sorted by id, so all agree). */
export function coPartitionedAssignment(
  members: readonly string[],
  topics: readonly string[],
  partitionsOf: (topic: string) => readonly number[],
): Map<string, Record<string, number[]>> {
  const memberIds = [...members].sort();
  const assignments = new Map(memberIds.map((id) => [id, {} as Record<string, number[]>]));
  for (const topic of topics)
    for (const partition of partitionsOf(topic)) {
      const owner = assignments.get(memberIds[partition % memberIds.length] as string);
      if (owner) owner[topic] = [...(owner[topic] ?? []), partition];
    }
  return assignments;
}
