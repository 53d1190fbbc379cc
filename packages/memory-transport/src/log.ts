import type { KafkaMessage, Message, MessageHeaders } from "@cx/kafka";

export const toBuffer = (value: Buffer | string) => (typeof value === "string" ? Buffer.from(value) : value);
const maxBatchRecords = 10_000;

/**
 * A record that outlives a compaction keeps bytes of its own: a small Buffer is a view of an 8 KiB
 * pool shared with records since dropped, and a few survivors would keep whole pools alive
 * (npm start's peak held about 100 MB of such pools).
 */
function ownBytes(message: KafkaMessage): KafkaMessage {
  const [key, value] = [own(message.key), own(message.value)];
  return key === message.key && value === message.value ? message : { ...message, key, value };
}

function own(data: Buffer | null): Buffer | null {
  if (data === null || data.buffer.byteLength === data.length) return data;
  const copy = Buffer.allocUnsafeSlow(data.length);
  data.copy(copy);
  return copy;
}

/**
 * A record's key or value as stored. Module-level, as every function on the per-record path here:
 * under tsx each closure made gets its name set at run time, which cost npm start about 2 s
 * (profiled) when `append` and `topic` made one per record.
 */
const storedBytes = (data: Buffer | string | null | undefined) => (data == null ? null : toBuffer(data));

const offsetOf = (message: KafkaMessage) => Number(message.offset);
const bytesOf = (message: KafkaMessage) => (message.key?.length ?? 0) + (message.value?.length ?? 0);

/** One partition: its records in offset order, with gaps once compacted or dropped. */
export class PartitionLog {
  messages: KafkaMessage[] = [];
  high = 0;
  /** Where the last compaction ended and how many records it kept. */
  private clean = { end: 0, count: 0 };
  constructor(private readonly compacted: boolean) {}
  low = () => (this.messages[0] ? offsetOf(this.messages[0]) : this.high);
  offsets = () => ({ offset: `${this.high}`, high: `${this.high}`, low: `${this.low()}` });
  dropBelow = (offset: number) => void this.messages.splice(0, this.indexOf(offset));
  /** The index of the first record at or after `offset`. */
  indexOf(offset: number): number {
    let [from, to] = [0, this.messages.length];
    while (from < to) {
      const middle = (from + to) >>> 1;
      if (offsetOf(this.messages[middle] as KafkaMessage) < offset) from = middle + 1;
      else to = middle;
    }
    return from;
  }
  /** Records from `offset` on, at most 10,000 or about `maxBytes`; the last offset covers a gap up to the end. */
  read(offset: number, maxBytes: number): { messages: KafkaMessage[]; lastOffset: string } {
    const from = this.indexOf(offset);
    let [to, bytes] = [from, 0];
    while (to < this.messages.length && to - from < maxBatchRecords && bytes <= maxBytes)
      bytes += bytesOf(this.messages[to++] as KafkaMessage);
    const messages = this.messages.slice(from, to);
    const lastOffset = to < this.messages.length ? `${messages.at(-1)?.offset}` : `${this.high - 1}`;
    return { messages, lastOffset };
  }
  /** Stores a record as a broker hands it out: Buffers for key, value and header values. */
  append({ key, value, headers, timestamp = `${Date.now()}` }: Message): void {
    const copy: MessageHeaders = {};
    for (const name in headers) {
      const header = headers[name];
      if (header !== undefined) copy[name] = Array.isArray(header) ? header.map(toBuffer) : toBuffer(header);
    }
    const offset = `${this.high++}`;
    this.messages.push({
      key: storedBytes(key),
      value: storedBytes(value),
      headers: copy,
      timestamp,
      offset,
    });
    // Kafka's default min.cleanable.dirty.ratio (0.5): compacting once the dirty part outgrows the clean
    // one keeps memory proportional to the live keys, at a constant cost per record.
    if (this.compacted && this.messages.length > 2 * this.clean.count) this.compact();
  }
  /** Keeps the latest record per key; a tombstone only until a later compaction than the one that found
   *  it latest (Kafka keeps it for delete.retention.ms), so readers can still see the delete. */
  private compact(): void {
    const latest = new Map<string, number>();
    const keyOf = (message: KafkaMessage) => message.key?.toString("latin1") ?? "";
    for (const [index, message] of this.messages.entries()) latest.set(keyOf(message), index);
    const kept = (message: KafkaMessage, index: number) =>
      latest.get(keyOf(message)) === index && (message.value !== null || offsetOf(message) >= this.clean.end);
    this.messages = this.messages.filter(kept).map(ownBytes);
    this.clean = { end: this.high, count: this.messages.length };
  }
}
