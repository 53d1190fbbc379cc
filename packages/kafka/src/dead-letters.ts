import { createHash } from "node:crypto";
import { type DeadLetterCategory, deadLetterCategory, metrics } from "@cx/observability";
import { chunkTopicMessages } from "./send-chunks";
import type { DecodedRecord } from "./sort-batch";
import type { Message, MessageHeaders, Producer } from "./transport";

/** Where a dead letter came from: a position in a topic, or the system that posted it to the gateway. */
export type DeadLetterSource =
  | { readonly topic: string; readonly partition: number; readonly offset: string }
  | { readonly system: string; readonly channel: string };

export interface DeadLetter {
  /** The original key and bytes, exactly as received, so the record can be repaired and replayed. */
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: MessageHeaders;
  /** Why it could not be processed, for the operator who reads the dead-letter topic. */
  readonly reason: string;
  /** The bounded label for the dead-letter metric; by default read from the reason's wording. */
  readonly category?: DeadLetterCategory;
  /** Which stage gave up on it (service name). */
  readonly stage: string;
  readonly source: DeadLetterSource;
}

/** The dead letter of a consumed record: its original key, bytes and headers, where it was, and why. */
export function deadLetterOf(
  record: Pick<DecodedRecord<unknown>, "key" | "raw" | "headers" | "topic" | "partition" | "offset">,
  reason: string,
  stage: string,
  category?: DeadLetterCategory,
): DeadLetter {
  return {
    key: record.key,
    value: record.raw,
    headers: record.headers,
    reason,
    ...(category ? { category } : {}),
    stage,
    source: { topic: record.topic, partition: record.partition, offset: record.offset },
  };
}

/** Header names on every dead letter; the original headers are kept beside them. */
export const deadLetterHeaders = {
  reason: "cx.dlq.reason",
  stage: "cx.dlq.stage",
  sourceTopic: "cx.dlq.source.topic",
  sourcePartition: "cx.dlq.source.partition",
  sourceOffset: "cx.dlq.source.offset",
  sourceSystem: "cx.dlq.source.system",
  sourceChannel: "cx.dlq.source.channel",
  failedAt: "cx.dlq.failed.at",
  /** Set when the value was too big to dead-letter whole: its first bytes are kept, with these. */
  truncated: "cx.dlq.truncated",
  originalSize: "cx.dlq.original.size",
  originalSha256: "cx.dlq.original.sha256",
} as const;

/**
 * A value larger than this is dead-lettered truncated (with its size and SHA-256): whole, with the
 * headers added, it could exceed what the broker accepts (1 MiB by default), and a dead letter the
 * broker refuses would hold its partition forever.
 */
export const maxWholeDeadLetterBytes = 512 * 1024;
/** What is kept of a value too big to dead-letter whole: enough to see what it was. */
export const truncatedDeadLetterBytes = 64 * 1024;

const sizeOf = (value: Buffer | string | null) =>
  value === null ? 0 : typeof value === "string" ? Buffer.byteLength(value) : value.length;

/** The value as it can be sent, and the headers saying what was cut when it had to be. */
function boundedValue(
  value: Buffer | string | null,
  limit: number,
): { value: Buffer | string | null; headers: MessageHeaders } {
  if (value === null || sizeOf(value) <= limit) return { value, headers: {} };
  const bytes = typeof value === "string" ? Buffer.from(value) : value;
  return {
    value: bytes.subarray(0, truncatedDeadLetterBytes),
    headers: {
      [deadLetterHeaders.truncated]: "true",
      [deadLetterHeaders.originalSize]: String(bytes.length),
      [deadLetterHeaders.originalSha256]: createHash("sha256").update(bytes).digest("hex"),
    },
  };
}

/** kafkajs' names for "this record or batch is too big for the broker". */
const tooLarge = (error: unknown) =>
  /MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|too large|message\.max\.bytes/i.test(
    `${(error as { type?: unknown }).type ?? ""} ${(error as Error).message ?? ""}`,
  );

function sourceHeaders(source: DeadLetterSource): MessageHeaders {
  return "topic" in source
    ? {
        [deadLetterHeaders.sourceTopic]: source.topic,
        [deadLetterHeaders.sourcePartition]: String(source.partition),
        [deadLetterHeaders.sourceOffset]: source.offset,
      }
    : { [deadLetterHeaders.sourceSystem]: source.system, [deadLetterHeaders.sourceChannel]: source.channel };
}

/**
 * Writes records that cannot be processed to the dead-letter topic. Callers await it before they
 * acknowledge the input (commit the offset, answer the HTTP request), so nothing is lost between.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  /**
   * Writes the letters; a send the broker refuses as too large is sent again with every value
   * truncated, so a dead letter never holds its partition.
   */
  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    try {
      await this.send(this.messages(letters));
    } catch (error) {
      if (!tooLarge(error)) throw error;
      await this.send(this.messages(letters, 0));
    }
    this.count(letters);
  }

  /**
   * The letters as messages of the dead-letter topic, for a caller that writes them in its own
   * transaction (then it calls `count` once that commits). Values above `wholeLimit` bytes are
   * truncated.
   */
  messages(letters: readonly DeadLetter[], wholeLimit = maxWholeDeadLetterBytes): Message[] {
    const failedAt = new Date().toISOString();
    return letters.map((letter) => {
      const bounded = boundedValue(letter.value, wholeLimit);
      return {
        key: letter.key,
        value: bounded.value,
        headers: {
          ...letter.headers,
          [deadLetterHeaders.reason]: letter.reason,
          [deadLetterHeaders.stage]: letter.stage,
          ...sourceHeaders(letter.source),
          [deadLetterHeaders.failedAt]: failedAt,
          ...bounded.headers,
        },
      };
    });
  }

  count(letters: readonly DeadLetter[]): void {
    for (const letter of letters)
      metrics.deadLetters.inc({
        stage: letter.stage,
        reason: letter.category ?? deadLetterCategory(letter.reason),
      });
  }

  private async send(messages: Message[]): Promise<void> {
    for (const [chunk] of chunkTopicMessages([{ topic: this.topic, messages }]))
      if (chunk) await this.producer.send({ topic: this.topic, acks: -1, messages: chunk.messages });
  }
}
