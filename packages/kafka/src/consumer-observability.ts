import { metrics, readiness } from "@cx/observability";
import type { Admin, Consumer, Kafka, Producer } from "kafkajs";
import { partitionLags } from "./consumer-lag";

export interface ConsumerObservation {
  /** Stops reporting: no readiness check, no lag series, admin connection closed. */
  close(): Promise<void>;
}

/**
 * Reports a group consumer to the operations endpoints: not ready until it has joined its group
 * (again after a crash), and the lag of the partitions it owns, read from the broker at each scrape
 * (committed offsets, so transactional stages that commit with their output count too).
 */
export function observeConsumer(options: {
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly groupId: string;
  readonly stage: string;
}): ConsumerObservation {
  const { consumer, groupId, stage } = options;
  let state: string | undefined = "joining its consumer group";
  let assignment: Readonly<Record<string, readonly number[]>> = {};
  const removeCheck = readiness.register(`consumer ${stage}`, () => state);
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    assignment = event.payload.memberAssignment;
    state = undefined;
  });
  consumer.on(consumer.events.CRASH, (event) => {
    assignment = {};
    state = `crashed${event.payload.restart ? " (restarting)" : ""}: ${event.payload.error.message}`;
  });
  consumer.on(consumer.events.STOP, () => {
    assignment = {};
    state = "stopped";
  });

  let admin: Promise<Admin> | undefined;
  const connectedAdmin = () => {
    admin ??= (async () => {
      const created = options.kafka.admin();
      await created.connect();
      return created;
    })().catch((error: unknown) => {
      admin = undefined;
      throw error;
    });
    return admin;
  };
  const removeLag = metrics.addLagSource(stage, async () => {
    const owned = Object.entries(assignment).filter(([, partitions]) => partitions.length > 0);
    if (owned.length === 0) return [];
    const connected = await connectedAdmin();
    const perTopic = await Promise.all(
      owned.map(async ([topic, partitions]) =>
        (await partitionLags(connected, groupId, topic, partitions)).map((entry) => ({ topic, ...entry })),
      ),
    );
    return perTopic.flat();
  });

  return {
    async close() {
      removeCheck();
      removeLag();
      const open = admin;
      admin = undefined;
      await open?.then((connected) => connected.disconnect()).catch(() => undefined);
    },
  };
}

let unnamed = 0;

/**
 * Makes a producer part of readiness from its connect until its disconnect (a deliberate
 * disconnect removes it, so letting a partition's producer go does not make the service unready).
 */
export async function connectObserved(producer: Producer, name = `idempotent #${++unnamed}`): Promise<void> {
  let state: string | undefined = "connecting";
  const removeCheck = readiness.register(`producer ${name}`, () => state);
  const disconnect = producer.disconnect.bind(producer);
  producer.disconnect = async () => {
    removeCheck();
    await disconnect();
  };
  try {
    await producer.connect();
  } catch (error) {
    removeCheck();
    throw error;
  }
  state = undefined;
}
