import { join } from "node:path";
import { brokerAnswers } from "@cx/kafka";
import { freePort } from "./free-port";
import { type ManagedServer, startManagedServer } from "./managed-server";

export interface LocalKafkaOptions {
  readonly dataDir: string;
  /** Defaults to a free port, so a test broker never collides with one a developer runs. */
  readonly port?: number;
  readonly controllerPort?: number;
}

/** A single-node KRaft broker, ready for consumer groups, from Apache Kafka's own jars (infra/scripts/kafka.sh). */
export interface LocalKafka extends ManagedServer {
  readonly brokers: string[];
  /** Pass both ports back to restart the same broker on its data (a broker-outage test). */
  readonly port: number;
  readonly controllerPort: number;
}

export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const port = options.port ?? (await freePort());
  const controllerPort = options.controllerPort ?? (await freePort());
  const brokers = [`127.0.0.1:${port}`];
  const server = await startManagedServer({
    name: "kafka",
    script: "kafka.sh",
    env: {
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_DATA_DIR: options.dataDir,
    },
    logFile: join(options.dataDir, "kafka.log"),
    isReady: () => brokerAnswers(brokers),
  });
  return { ...server, brokers, port, controllerPort };
}
