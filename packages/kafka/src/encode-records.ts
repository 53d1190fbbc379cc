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
): Promise<Message[]> {
  return Promise.all(
    records.map(async (record) => ({
      key: record.key,
      value: record.value === null ? null : await codec.encode(record.value),
    })),
  );
}
