import { type DeadLetterCategory, deadLetterCategory, metrics } from "@cx/observability";
import type { IHeaders, Producer } from "kafkajs";

/** Where a dead letter came from: a position in a topic, or the system that posted it to the gateway. */
export type DeadLetterSource =
  | { readonly topic: string; readonly partition: number; readonly offset: string }
  | { readonly system: string; readonly channel: string };

export interface DeadLetter {
  /** The original key and bytes, exactly as received, so the record can be repaired and replayed. */
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: IHeaders;
  /** Why it could not be processed, for the operator who reads the dead-letter topic. */
  readonly reason: string;
  /** The bounded label for the dead-letter metric; by default read from the reason's wording. */
  readonly category?: DeadLetterCategory;
  /** Which stage gave up on it (service name). */
  readonly stage: string;
  readonly source: DeadLetterSource;
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
} as const;

function sourceHeaders(source: DeadLetterSource): IHeaders {
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

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((letter) => ({
        key: letter.key,
        value: letter.value,
        headers: {
          ...letter.headers,
          [deadLetterHeaders.reason]: letter.reason,
          [deadLetterHeaders.stage]: letter.stage,
          ...sourceHeaders(letter.source),
          [deadLetterHeaders.failedAt]: failedAt,
        },
      })),
    });
    for (const letter of letters)
      metrics.deadLetters.inc({
        stage: letter.stage,
        reason: letter.category ?? deadLetterCategory(letter.reason),
      });
  }
}
