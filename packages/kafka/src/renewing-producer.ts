import { connectObserved } from "./consumer-observability";
import type { Producer, ProducerBatch, ProducerRecord, RecordMetadata, Transport } from "./transport";

let made = 0;

/**
 * An idempotent producer that is made anew after any failed send. kafkajs keeps a producer id and
 * per-partition sequence numbers across a send whose outcome it does not know (a broker killed or
 * restarted mid-request); the broker then answers every later send to that partition with
 * OUT_OF_ORDER_SEQUENCE_NUMBER or an old-epoch error, for as long as the producer lives. A new
 * producer gets a new id and sequences from zero, so the caller's retry goes through.
 *
 * The first send after a failure connects the new producer; sends already under way on the old
 * one fail and are retried by their callers, who then use the new one.
 */
class RenewingProducer implements Producer {
  private current: Promise<Producer>;
  private closed = false;

  /** @param first the connected producer to begin with; `make` connects each replacement. */
  constructor(
    first: Producer,
    private readonly make: () => Promise<Producer>,
  ) {
    this.current = Promise.resolve(first);
  }

  /** Connected from the start (see createIdempotentProducer). */
  async connect(): Promise<void> {
    await this.current;
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await (await this.current.catch(() => undefined))?.disconnect();
  }

  async transaction(): Promise<never> {
    throw new Error("an idempotent producer does not run transactions: use createTransactionalProducer");
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.withProducer((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.withProducer((producer) => producer.sendBatch(batch));
  }

  private async withProducer(send: (producer: Producer) => Promise<RecordMetadata[]>) {
    if (this.closed) throw new Error("producer disconnected");
    const attempt = this.current;
    let producer: Producer;
    try {
      producer = await attempt;
    } catch (error) {
      this.renew(attempt);
      throw error;
    }
    try {
      return await send(producer);
    } catch (error) {
      this.renew(attempt);
      throw error;
    }
  }

  /** Replaces the producer the failed call used, unless another failure already replaced it. */
  private renew(failed: Promise<Producer>): void {
    if (this.closed || this.current !== failed) return;
    void failed.then((old) => old.disconnect()).catch(() => undefined);
    this.current = this.make();
    // A failed connect is reported by the next send, which renews again.
    this.current.catch(() => undefined);
  }
}

/**
 * An idempotent producer (a retried send after a lost ack does not write the record twice) that
 * heals itself after a broker failure: see RenewingProducer.
 */
export async function createIdempotentProducer(kafka: Transport): Promise<Producer> {
  const name = `idempotent #${++made}`;
  const connected = async () => {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await connectObserved(producer, name);
    return producer;
  };
  return new RenewingProducer(await connected(), connected);
}
