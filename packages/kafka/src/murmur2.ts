/** Kafka's murmur2 in 32-bit arithmetic: what Kafka's and kafkajs' default partitioners compute. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const whole = data.length & ~3;
  let h = 0x9747b28c ^ data.length;
  for (let i = 0; i < whole; i += 4) {
    const k = Math.imul(data.readInt32LE(i), m);
    h = Math.imul(h, m) ^ Math.imul(k ^ (k >>> 24), m);
  }
  const rest = data.length & 3;
  if (rest === 3) h ^= (data[whole + 2] as number) << 16;
  if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[whole] as number), m);
  h = Math.imul(h ^ (h >>> 13), m);
  return (h ^ (h >>> 15)) | 0;
}

/** The partition of a keyed record among `partitions`, as Kafka's default partitioner puts it. */
export const keyPartition = (key: Buffer | string, partitions: number): number =>
  (murmur2(typeof key === "string" ? Buffer.from(key) : key) & 0x7fffffff) % partitions;
