import { type Kafka, Partitioners, type Producer } from "kafkajs";
import { connectObserved } from "./consumer-observability";

/**
 * A connected producer for Kafka transactions (fencing by `transactionalId`). A transaction begun
 * right after the previous commit meets CONCURRENT_TRANSACTIONS until the broker has written the
 * commit markers (milliseconds); kafkajs' default first retry is 300 ms, so retries start at 10.
 */
export async function createTransactionalProducer(kafka: Kafka, transactionalId: string): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 10, maxRetryTime: 2000, retries: Number.MAX_SAFE_INTEGER },
  });
  await connectObserved(producer, transactionalId);
  return producer;
}

/**
 * One transactional producer per input partition, its id derived from the partition: whoever owns
 * partition p writes with `<prefix>.p`, so a new owner fences a stalled old one for exactly that
 * partition (Kafka's classic exactly-once pattern; kafkajs has no group-metadata fencing).
 */
export class PartitionProducers {
  private readonly producers = new Map<number, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly prefix: string,
  ) {}

  get(partition: number): Promise<Producer> {
    let producer = this.producers.get(partition);
    if (!producer) {
      producer = createTransactionalProducer(this.kafka, `${this.prefix}.${partition}`);
      this.producers.set(partition, producer);
      producer.catch(() => this.producers.delete(partition));
    }
    return producer;
  }

  /** Lets go of partitions this member no longer owns. */
  async release(keep: (partition: number) => boolean): Promise<void> {
    for (const [partition, producer] of [...this.producers]) {
      if (keep(partition)) continue;
      this.producers.delete(partition);
      await (await producer).disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.release(() => false);
  }
}
