import type { AvroCodec } from "./avro-codec";
import type { Message } from "./transport";

/** A record to write; a null value is a tombstone (deletes the key from a compacted topic). */
export interface KeyedRecord<T> {
  readonly key: string;
  readonly value: T | null;
}

/** Encodes records in the Confluent wire format for producer.send / transaction.send. */
export function encodeRecords<T>(
  codec: Pick<AvroCodec<T>, "encode">,
  records: readonly KeyedRecord<T>[],
): Message[] {
  return records.map((record) => ({
    key: record.key,
    value: record.value === null ? null : codec.encode(record.value),
  }));
}
