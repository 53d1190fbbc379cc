import type { Consumer, Producer, ProducerBatch, Sender, Transaction, Transport } from "@cx/kafka";

/** Records sent (in transactions too) and records handed to consumers, since the last reset. */
export interface RecordCounts {
  written: number;
  read: number;
}

const batchSize = ({ topicMessages = [] }: ProducerBatch) =>
  topicMessages.reduce((sum, { messages }) => sum + messages.length, 0);

/**
 * The same transport, counting what goes through it: how many Kafka records each touchpoint makes
 * the services write and read (a state restore's reads included), to judge the end-to-end rate
 * against the transport's ceiling per hop.
 */
export function countingTransport(inner: Transport, counts: RecordCounts): Transport {
  const counted = <S extends Sender>(sender: S): Sender => ({
    send: (record) => {
      counts.written += record.messages.length;
      return sender.send(record);
    },
    sendBatch: (batch) => {
      counts.written += batchSize(batch);
      return sender.sendBatch(batch);
    },
  });
  return {
    admin: () => inner.admin(),
    producer(config): Producer {
      const producer = inner.producer(config);
      return {
        ...counted(producer),
        connect: () => producer.connect(),
        disconnect: () => producer.disconnect(),
        async transaction(): Promise<Transaction> {
          const transaction = await producer.transaction();
          return {
            ...counted(transaction),
            sendOffsets: (offsets) => transaction.sendOffsets(offsets),
            commit: () => transaction.commit(),
            abort: () => transaction.abort(),
            isActive: () => transaction.isActive(),
          };
        },
      };
    },
    consumer(config): Consumer {
      const consumer = inner.consumer(config);
      return {
        ...consumer,
        run: (run) =>
          consumer.run({
            ...run,
            eachBatch: (payload) => {
              counts.read += payload.batch.messages.length;
              return run.eachBatch(payload);
            },
          }),
      };
    },
  };
}
