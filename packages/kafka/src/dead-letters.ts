import type { IHeaders, KafkaMessage, Producer } from "kafkajs";

export interface DeadLetter {
  readonly sourceTopic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  /** Why it could not be processed, for the operator who reads the dead-letter topic. */
  readonly reason: string;
  /** Which stage gave up on it (service name). */
  readonly stage: string;
}

/** Header names on every dead letter; the original key, value and headers are kept as they were. */
export const deadLetterHeaders = {
  reason: "cx.dlq.reason",
  stage: "cx.dlq.stage",
  sourceTopic: "cx.dlq.source.topic",
  sourcePartition: "cx.dlq.source.partition",
  sourceOffset: "cx.dlq.source.offset",
  failedAt: "cx.dlq.failed.at",
} as const;

/**
 * Writes records that cannot be processed to the dead-letter topic. The caller awaits it before
 * committing the source offset, so a crash in between re-sends the dead letter rather than losing it.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((letter) => ({
        key: letter.message.key,
        value: letter.message.value,
        headers: {
          ...letter.message.headers,
          [deadLetterHeaders.reason]: letter.reason,
          [deadLetterHeaders.stage]: letter.stage,
          [deadLetterHeaders.sourceTopic]: letter.sourceTopic,
          [deadLetterHeaders.sourcePartition]: String(letter.partition),
          [deadLetterHeaders.sourceOffset]: letter.message.offset,
          [deadLetterHeaders.failedAt]: new Date().toISOString(),
        } satisfies IHeaders,
      })),
    });
  }
}
