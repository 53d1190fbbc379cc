import type { Admin } from "./transport";

/**
 * Per partition of `topic` (or of `partitions` only), the records `groupId` has not committed yet.
 */
export async function partitionLags(
  admin: Admin,
  groupId: string,
  topic: string,
  partitions?: readonly number[],
): Promise<{ partition: number; lag: number }[]> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(
    (committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]),
  );
  const wanted = partitions ? new Set(partitions) : undefined;
  return ends
    .filter((end) => wanted?.has(end.partition) ?? true)
    .map((end) => {
      const done = committedByPartition.get(end.partition) ?? -1n;
      // -1 means nothing committed yet: everything from the low watermark on is still to do.
      const from = done < 0n ? BigInt(end.low) : done;
      return { partition: end.partition, lag: Number(BigInt(end.high) - from) };
    });
}

/** Records on `topic` that `groupId` has not committed yet, summed over partitions. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  return (await partitionLags(admin, groupId, topic)).reduce((sum, { lag }) => sum + lag, 0);
}
