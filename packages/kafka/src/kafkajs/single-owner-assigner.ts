import { AssignerProtocol, type PartitionAssigner } from "kafkajs";

/**
 * Gives every partition of every subscribed topic to one member, the one that joined the group
 * first (its start time travels in the member metadata), so ownership moves only when that member
 * leaves. The others are standbys. For a stage whose state cannot be partitioned (the identity
 * graph: a person's identifiers hash to different partitions), this makes it a single writer while
 * keeping fail-over through the consumer group.
 */
export function singleOwnerAssigner(startedAt: number = Date.now()): PartitionAssigner {
  const version = 1;
  const userData = Buffer.from(JSON.stringify({ startedAt }));
  return ({ cluster }) => ({
    name: "SingleOwnerAssigner",
    version,
    async assign({ members, topics }) {
      const joined = (metadata: Buffer) => {
        try {
          const { userData: data } = AssignerProtocol.MemberMetadata.decode(metadata) ?? {};
          return Number(JSON.parse(data?.toString("utf8") ?? "{}").startedAt ?? Number.MAX_SAFE_INTEGER);
        } catch {
          return Number.MAX_SAFE_INTEGER;
        }
      };
      const [owner] = [...members].sort(
        (a, b) => joined(a.memberMetadata) - joined(b.memberMetadata) || a.memberId.localeCompare(b.memberId),
      );
      const everything = Object.fromEntries(
        topics.map((topic) => [
          topic,
          cluster.findTopicPartitionMetadata(topic).map((partition) => partition.partitionId),
        ]),
      );
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version,
          assignment: memberId === owner?.memberId ? everything : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: "SingleOwnerAssigner",
        metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData }),
      };
    },
  });
}
