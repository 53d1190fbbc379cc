import { describe, expect, it } from "vitest";
import { PartitionStates } from "./partition-state";

describe("PartitionStates", () => {
  it("gives partitions handled at the same time one restore, so no late restore replaces a state in use", async () => {
    const reads: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const states = new PartitionStates(async (partitions) => {
      reads.push(partitions);
      await gate;
      return new Map(partitions.map((partition) => [partition, { partition, applied: 0 }]));
    });
    states.assign([0, 1, 2], "member-1");
    const first = states.get(0);
    const second = states.get(2);
    release();
    const [zero, two] = await Promise.all([first, second]);
    expect(reads).toEqual([[0, 1, 2]]);
    zero.applied++;
    expect(await states.get(0)).toBe(zero);
    expect((await states.get(0)).applied).toBe(1);
    expect(two.partition).toBe(2);
  });

  it("tries again after a failed restore", async () => {
    let attempts = 0;
    const states = new PartitionStates(async (partitions) => {
      attempts++;
      if (attempts === 1) throw new Error("broker away");
      return new Map(partitions.map((partition) => [partition, partition * 10]));
    });
    states.assign([3], "member-1");
    await expect(states.get(3)).rejects.toThrow("broker away");
    expect(await states.get(3)).toBe(30);
  });
});
