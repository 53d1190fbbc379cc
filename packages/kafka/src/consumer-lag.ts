import type { Admin } from "kafkajs";

/** Records on `topic` that `groupId` has not committed yet, summed over partitions. */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(
    (committed[0]?.partitions ?? []).map((entry) => [entry.partition, BigInt(entry.offset)]),
  );
  let lag = 0n;
  for (const end of ends) {
    const done = committedByPartition.get(end.partition) ?? -1n;
    // -1 means nothing committed yet: everything from the low watermark on is still to do.
    const from = done < 0n ? BigInt(end.low) : done;
    lag += BigInt(end.high) - from;
  }
  return Number(lag);
}
