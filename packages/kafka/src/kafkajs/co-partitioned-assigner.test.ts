import { describe, expect, it } from "vitest";
import { coPartitionedAssignment } from "./co-partitioned-assigner";

describe("the co-partitioned assigner", () => {
  it("gives partition p of every topic to the same member, spreading partitions over members", () => {
    const partitions = [0, 1, 2, 3, 4, 5];
    const owned = coPartitionedAssignment(
      ["member-b", "member-a", "member-c"],
      ["enriched", "responses"],
      () => partitions,
    );
    for (const assignment of owned.values()) {
      expect(assignment.enriched).toHaveLength(2);
      expect(assignment.responses).toEqual(assignment.enriched);
    }
    expect([...owned.values()].flatMap((assignment) => assignment.enriched ?? []).sort()).toEqual(partitions);
    expect(owned.get("member-a")?.enriched).toEqual([0, 3]);
  });
});
