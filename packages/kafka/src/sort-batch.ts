import type { AvroCodec, DecodeResult } from "./avro-codec";
import type { DeadLetter } from "./dead-letters";
import { isTransientError } from "./transient-error";
import type { KafkaMessage, MessageHeaders } from "./transport";

export interface DecodedRecord<T> {
  readonly topic: string;
  readonly key: string | null;
  readonly value: T;
  readonly partition: number;
  readonly offset: string;
  readonly timestampMs: number;
  readonly headers: MessageHeaders;
  /** The record's bytes as received, for a dead letter if a later stage refuses it. */
  readonly raw: Buffer;
}

/** One topic a consumer reads, with how to decode and check its records. */
export interface ConsumedTopic<T> {
  readonly topic: string;
  readonly codec: Pick<AvroCodec<T>, "decode">;
  /** A semantic check after decoding; a returned string is the reason the record is dead-lettered. */
  validate?(value: T): string | undefined;
  /**
   * A compacted topic deletes a key with a tombstone (null value): such records are handed on with
   * a null value instead of being dead-lettered as empty.
   */
  readonly tombstones?: boolean;
}

/**
 * No record the broker accepts by default is larger (message.max.bytes, 1 MiB); a larger one is
 * dead-lettered before any decoding is tried.
 */
export const maxRecordBytes = 1024 * 1024 + 512;

export interface SortedBatch<T> {
  readonly decoded: DecodedRecord<T>[];
  readonly dead: DeadLetter[];
}

/**
 * Decodes and checks a fetched batch: what can be handled, and what goes to the dead-letter topic
 * with its reason. Any exception while decoding or validating one record dead-letters that record,
 * not only the failures foreseen; only a dependency outage (the registry away) throws, so the batch
 * waits for it.
 */
export async function sortBatch<T>(
  source: ConsumedTopic<T>,
  partition: number,
  messages: readonly KafkaMessage[],
  stage: string,
): Promise<SortedBatch<T>> {
  const decoded: DecodedRecord<T>[] = [];
  const dead: DeadLetter[] = [];
  const record = (message: KafkaMessage, value: T, raw: Buffer): DecodedRecord<T> => ({
    topic: source.topic,
    key: message.key?.toString("utf8") ?? null,
    value,
    partition,
    offset: message.offset,
    timestampMs: Number(message.timestamp),
    headers: message.headers ?? {},
    raw,
  });
  for (const message of messages) {
    const verdict = problemOf(source, message);
    // Awaited only when it is a promise (a writer's schema seen for the first time): a batch of
    // known schemas is decoded without a pause per record.
    const reason = verdict instanceof Promise ? await verdict : verdict;
    if (typeof reason === "object") {
      decoded.push(record(message, reason.value, message.value ?? Buffer.alloc(0)));
      continue;
    }
    dead.push({
      key: message.key,
      value: message.value,
      ...(message.headers ? { headers: message.headers } : {}),
      reason,
      stage,
      source: { topic: source.topic, partition, offset: message.offset },
    });
  }
  return { decoded, dead };
}

type Verdict<T> = { value: T } | string;

/** The decoded value, or why the record is dead-lettered. */
function problemOf<T>(source: ConsumedTopic<T>, message: KafkaMessage): Verdict<T> | Promise<Verdict<T>> {
  const { value } = message;
  if (value === null && source.tombstones) return { value: null as T };
  if (value === null || value.length === 0) return "empty value";
  if (value.length > maxRecordBytes)
    return `record of ${value.length} bytes is larger than the ${maxRecordBytes} bytes a record may have`;
  try {
    const result = source.codec.decode(value);
    return result instanceof Promise
      ? result.then((decoded) => checked(source, decoded), decodingFailure)
      : checked(source, result);
  } catch (error) {
    return decodingFailure(error);
  }
}

function checked<T>(source: ConsumedTopic<T>, result: DecodeResult<T>): Verdict<T> {
  if (!result.ok) return result.reason;
  try {
    const invalid = source.validate?.(result.value);
    return invalid === undefined ? { value: result.value } : `invalid: ${invalid}`;
  } catch (error) {
    return decodingFailure(error);
  }
}

/** Any exception dead-letters the record, except a dependency outage: the batch waits for that. */
function decodingFailure(error: unknown): string {
  if (isTransientError(error)) throw error;
  return `decoding failed: ${(error as Error)?.message ?? String(error)}`;
}
