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
      const memberIds = members.map((member) => member.memberId).sort();
      const assignments = new Map(memberIds.map((id) => [id, {} as Record<string, number[]>]));
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const owner = assignments.get(memberIds[partitionId % memberIds.length] as string);
          if (owner) owner[topic] = [...(owner[topic] ?? []), partitionId];
        }
      }
      return memberIds.map((memberId) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment: assignments.get(memberId) ?? {},
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
