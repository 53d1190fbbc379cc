import { Kafka, logLevel } from "kafkajs";

/**
 * Whether a broker is up and ready for consumer groups and idempotent producers (for scripts that
 * start one and wait for it).
 */
export async function brokerAnswers(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) return false;
    // Asking for a group's offsets creates and loads __consumer_offsets, so the first consumer
    // group of a run does not meet "coordinator is loading".
    await admin.fetchOffsets({ groupId: "cx-readiness-probe", topics: [] });
    // Likewise an idempotent producer's first InitProducerId loads the transaction coordinator.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    await producer.connect();
    await producer.disconnect();
    return true;
  } finally {
    await admin.disconnect();
  }
}
