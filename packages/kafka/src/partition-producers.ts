import { connectObserved } from "./consumer-observability";
import type { Producer, Transaction, Transport } from "./transport";

/**
 * A connected producer for Kafka transactions (fencing by `transactionalId`). A transaction begun
 * right after the previous commit meets CONCURRENT_TRANSACTIONS until the broker has written the
 * commit markers (milliseconds); kafkajs' default first retry is 300 ms, so retries start at 10.
 * They end after about 25 s: a broker away for longer fails the batch, whose partition then waits
 * and retries (see PartitionHandler) instead of holding the fetch loop past its heartbeats.
 */
export async function createTransactionalProducer(
  kafka: Transport,
  transactionalId: string,
): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 10, maxRetryTime: 2000, retries: 20 },
  });
  await connectObserved(producer, transactionalId);
  // kafkajs registers the transactional id with the broker at the first transaction, not at
  // connect: an empty one (no EndTxn is sent) does it now, so a previous owner with this id is
  // fenced and its open transaction aborted before the caller reads any state.
  await (await producer.transaction()).abort();
  return producer;
}

/**
 * Runs `work` in one transaction of `producer` and commits it; on failure aborts it, calls
 * `onBroken` and rethrows. The caller then drops the producer and makes a new one with the same
 * transactional id (its initialisation fences the old epoch and has the broker abort anything left
 * open). A producer whose transaction failed is never reused: kafkajs keeps its epoch and sequence
 * numbers across a request whose outcome it does not know, and after a broker restart such a
 * producer meets OUT_OF_ORDER_SEQUENCE_NUMBER or INVALID_PRODUCER_EPOCH on every later
 * transaction; after a failed begin or abort it stays in a state (ABORTING) that refuses them all.
 */
export async function inTransaction(
  producer: Pick<Producer, "transaction">,
  work: (transaction: Transaction) => Promise<void>,
  onBroken: () => Promise<void>,
): Promise<void> {
  let transaction: Transaction;
  try {
    transaction = await producer.transaction();
  } catch (error) {
    await onBroken();
    throw error;
  }
  try {
    await work(transaction);
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    await onBroken();
    throw error;
  }
}

/**
 * One transactional producer per input partition, its id derived from the partition: whoever owns
 * partition p writes with `<prefix>.p`, so a new owner fences a stalled old one for exactly that
 * partition (Kafka's classic exactly-once pattern; kafkajs has no group-metadata fencing).
 */
export class PartitionProducers {
  private readonly producers = new Map<number, Promise<Producer>>();

  constructor(
    private readonly kafka: Transport,
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

  /** Drops a partition's producer (see inTransaction); the next `get` makes a new one with its id. */
  async discard(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    await (await producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
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

/** The one transactional producer of a stage whose state is whole (made at its first use: see startStage). */
export class WholeStageProducer {
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Transport,
    private readonly transactionalId: string,
  ) {}

  get(): Promise<Producer> {
    if (!this.producer) {
      const made = createTransactionalProducer(this.kafka, this.transactionalId);
      // A producer that failed to start is made anew at the next batch.
      made.catch(() => {
        if (this.producer === made) this.producer = undefined;
      });
      this.producer = made;
    }
    return this.producer;
  }

  async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  close(): Promise<void> {
    return this.discard();
  }
}
