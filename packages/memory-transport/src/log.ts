import type { KafkaMessage, Message, MessageHeaders } from "@cx/kafka";

/**
 * Kafka's murmur2 (the Java client's) in 32-bit arithmetic: the hash kafkajs' DefaultPartitioner
 * computes with 64-bit Longs, so a key lands on the partition a real broker's producers choose.
 */
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

export const toBuffer = (value: Buffer | string): Buffer =>
  typeof value === "string" ? Buffer.from(value) : value;
type Entry = { readonly offset: number; readonly bytes: number; readonly message: KafkaMessage };
const keyOf = (entry: Entry) => entry.message.key?.toString("latin1") ?? "";

/** One partition: its records in offset order, with gaps once compacted or dropped. */
export class PartitionLog {
  entries: Entry[] = [];
  high = 0;
  /** Where the last compaction ended and how many entries it kept. */
  private clean = { end: 0, count: 0 };
  constructor(private readonly compacted: boolean) {}
  low = (): number => this.entries[0]?.offset ?? this.high;

  /** The index of the first entry at or after `offset`. */
  indexOf(offset: number): number {
    let [from, to] = [0, this.entries.length];
    while (from < to) {
      const middle = (from + to) >>> 1;
      if ((this.entries[middle] as Entry).offset < offset) from = middle + 1;
      else to = middle;
    }
    return from;
  }

  /** Stores a record as a broker hands it out: Buffers for key, value and header values. */
  append({ key, value, headers = {}, timestamp = String(Date.now()) }: Message): number {
    const buffers: MessageHeaders = {};
    for (const [name, header] of Object.entries(headers))
      if (header !== undefined)
        buffers[name] = Array.isArray(header) ? header.map(toBuffer) : toBuffer(header);
    const offset = this.high++;
    const [keyBuffer, valueBuffer] = [
      key == null ? null : toBuffer(key),
      value === null ? null : toBuffer(value),
    ];
    const message = { key: keyBuffer, value: valueBuffer, headers: buffers, timestamp, offset: `${offset}` };
    this.entries.push({ offset, bytes: (keyBuffer?.length ?? 0) + (valueBuffer?.length ?? 0), message });
    // Kafka's default min.cleanable.dirty.ratio (0.5): compacting once the dirty part outgrows the
    // clean one keeps memory proportional to the live keys at a constant cost per record.
    if (this.compacted && this.entries.length > 2 * this.clean.count) this.compact();
    return offset;
  }

  /**
   * Keeps the latest record per key. A tombstone goes only at a later compaction than the one that
   * found it latest (Kafka keeps it for delete.retention.ms), so a reader can still see the delete.
   */
  private compact(): void {
    const latest = new Map<string, number>();
    for (const [index, entry] of this.entries.entries()) latest.set(keyOf(entry), index);
    const { end } = this.clean;
    this.entries = this.entries.filter(
      (entry, index) =>
        latest.get(keyOf(entry)) === index && (entry.message.value !== null || entry.offset >= end),
    );
    this.clean = { end: this.high, count: this.entries.length };
  }

  dropBelow = (offset: number) => void this.entries.splice(0, this.indexOf(offset));
}
