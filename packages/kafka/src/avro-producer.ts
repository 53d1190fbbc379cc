import type { AvroCodec } from "./avro-codec";
import { createIdempotentProducer } from "./renewing-producer";
import type { Transport } from "./transport";

export interface OutgoingRecord<T> {
  /** Records of one customer share a key, so they land on one partition and keep their order. */
  readonly key: string;
  readonly value: T;
  readonly headers?: Record<string, string>;
}

export interface AvroProducer<T> {
  send(records: readonly OutgoingRecord<T>[]): Promise<void>;
  disconnect(): Promise<void>;
}

export async function createAvroProducer<T>(
  kafka: Transport,
  topic: string,
  codec: AvroCodec<T>,
): Promise<AvroProducer<T>> {
  const producer = await createIdempotentProducer(kafka);
  return {
    async send(records) {
      if (records.length === 0) return;
      const messages = await Promise.all(
        records.map(async (record) => ({
          key: record.key,
          value: codec.encode(record.value),
          ...(record.headers ? { headers: record.headers } : {}),
        })),
      );
      await producer.send({ topic, acks: -1, messages });
    },
    disconnect: () => producer.disconnect(),
  };
}
