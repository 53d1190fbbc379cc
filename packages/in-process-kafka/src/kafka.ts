import type { Kafka } from "kafkajs";
import { createAdmin } from "./admin";
import { Broker, type BrokerOptions } from "./broker";
import { createConsumer } from "./consumer";
import { silentLogger } from "./instrumentation";
import { createProducer } from "./producer";

export interface InProcessKafkaOptions extends BrokerOptions {
  /** Names members of consumer groups (`<clientId>-<uuid>`), as kafkajs does. */
  readonly clientId?: string;
}

/**
 * A `Kafka` client whose cluster is one in-memory broker object: every producer, consumer and
 * admin made from it shares that broker (two calls make two separate clusters).
 */
export function createInProcessKafka(options: InProcessKafkaOptions = {}): Kafka {
  const broker = new Broker(options);
  const clientId = options.clientId ?? "cx-pipeline";
  const kafka = {
    producer: (config?: Parameters<Kafka["producer"]>[0]) => createProducer(broker, config),
    consumer: (config: Parameters<Kafka["consumer"]>[0]) => createConsumer(broker, config, clientId),
    admin: () => createAdmin(broker),
    logger: () => silentLogger,
  };
  // The one place the in-process client is declared a kafkajs Kafka: it implements the subset the
  // services use (see index.ts), with the same method names, arguments and results.
  return kafka as unknown as Kafka;
}
