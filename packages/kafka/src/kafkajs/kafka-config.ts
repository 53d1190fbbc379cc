import { commaSeparatedList, positiveInt } from "@cx/config";
import type { Logger } from "@cx/logging";
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";
import { type KafkajsTransport, kafkajsTransport } from "./kafkajs-transport";

export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: commaSeparatedList.default(["127.0.0.1:9092"]),
  KAFKA_CLIENT_ID: z.string().min(1).default("cx-pipeline"),
  SCHEMA_REGISTRY_URL: z.url().default("http://127.0.0.1:8081/apis/ccompat/v7"),
  /** Partitions for topics the pipeline creates; more partitions allow more consumer instances. */
  KAFKA_PARTITIONS: positiveInt.default(6),
  /** 1 on a single local broker; 3 on a real cluster. */
  KAFKA_REPLICATION_FACTOR: positiveInt.default(1),
});
export type KafkaEnv = z.infer<typeof kafkaEnvSchema>;

const levelNames: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * kafkajs lines that are routine here, logged at debug so they do not bury real errors. A
 * transaction begun right after the previous commit meets the coordinator still writing that
 * commit's markers (CONCURRENT_TRANSACTIONS); kafkajs retries it at once and it goes through, but
 * logs each try as an error.
 */
const routineLine = (log: { message?: string; error?: unknown }) =>
  /another concurrent operation on the same transaction/.test(`${log.message} ${String(log.error ?? "")}`) ||
  // Said of every transactional producer (their retries are bounded on purpose): a transaction that
  // runs out of retries is aborted and its producer replaced (see inTransaction), so nothing is
  // written twice.
  /^Limiting retries for the idempotent producer/.test(log.message ?? "");

/** The real broker's transport, whose kafkajs log lines go through pino, so a service writes one log format. */
export function createKafka(
  env: Pick<KafkaEnv, "KAFKA_BROKERS" | "KAFKA_CLIENT_ID">,
  logger: Logger,
): KafkajsTransport {
  const kafkaLogger = logger.child({ component: "kafkajs" });
  const kafka = new Kafka({
    clientId: env.KAFKA_CLIENT_ID,
    brokers: env.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        // pino adds its own time; kafkajs' timestamp and logger name would only repeat it.
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = log;
        kafkaLogger[routineLine(log) ? "debug" : (levelNames[level] ?? "info")](rest, message);
      },
  });
  return kafkajsTransport(kafka);
}
