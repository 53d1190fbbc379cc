import { AssignerProtocol, type Cluster } from "kafkajs";
import { describe, expect, it } from "vitest";
import { coPartitionedAssigner } from "./co-partitioned-assigner";

describe("the co-partitioned assigner", () => {
  it("gives partition p of every topic to the same member, spreading partitions over members", async () => {
    const partitions = (count: number) =>
      Array.from({ length: count }, (_, partitionId) => ({ partitionId }));
    const cluster = { findTopicPartitionMetadata: () => partitions(6) } as unknown as Cluster;
    const assigner = coPartitionedAssigner()({ cluster, groupId: "g", logger: console as never });
    const members = ["member-b", "member-a", "member-c"].map((memberId) => ({
      memberId,
      memberMetadata: Buffer.alloc(0),
    }));
    const assignments = await assigner.assign({ members, topics: ["enriched", "responses"] });
    const owned = Object.fromEntries(
      assignments.map(({ memberId, memberAssignment }) => [
        memberId,
        AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment,
      ]),
    );
    for (const assignment of Object.values(owned)) {
      expect(assignment?.enriched).toHaveLength(2);
      expect(assignment?.responses).toEqual(assignment?.enriched);
    }
    expect(
      Object.values(owned)
        .flatMap((assignment) => assignment?.enriched ?? [])
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
