import type { Logger as KafkaLogger } from "kafkajs";
import { nonRetriable } from "./errors";

let nextId = 0;

/** kafkajs' instrumentation events: `{ id, type, timestamp, payload }`, listeners called synchronously. */
export class Instrumentation {
  private readonly listeners = new Map<string, Set<(event: unknown) => unknown>>();

  constructor(private readonly names: readonly string[]) {}

  on(eventName: string, listener: (event: never) => unknown): () => void {
    if (!this.names.includes(eventName))
      throw nonRetriable(`Event name should be one of ${this.names.join(", ")}`);
    let set = this.listeners.get(eventName);
    if (!set) {
      set = new Set();
      this.listeners.set(eventName, set);
    }
    const wrapped = listener as (event: unknown) => unknown;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit(type: string, payload: unknown): void {
    const set = this.listeners.get(type);
    if (!set || set.size === 0) return;
    const event = { id: String(nextId++), type, timestamp: Date.now(), payload };
    for (const listener of set) {
      // As in kafkajs, a failing listener is logged away, never breaks the client.
      try {
        Promise.resolve(listener(event)).catch(() => undefined);
      } catch {
        // ignored
      }
    }
  }
}

/** A kafkajs Logger that writes nothing: the in-process transport has no network to log about. */
export const silentLogger: KafkaLogger = {
  info: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  namespace: () => silentLogger,
  setLogLevel: () => undefined,
};

export const consumerEvents = {
  HEARTBEAT: "consumer.heartbeat",
  COMMIT_OFFSETS: "consumer.commit_offsets",
  GROUP_JOIN: "consumer.group_join",
  FETCH_START: "consumer.fetch_start",
  FETCH: "consumer.fetch",
  START_BATCH_PROCESS: "consumer.start_batch_process",
  END_BATCH_PROCESS: "consumer.end_batch_process",
  CONNECT: "consumer.connect",
  DISCONNECT: "consumer.disconnect",
  STOP: "consumer.stop",
  CRASH: "consumer.crash",
  REBALANCING: "consumer.rebalancing",
  RECEIVED_UNSUBSCRIBED_TOPICS: "consumer.received_unsubscribed_topics",
  REQUEST: "consumer.network.request",
  REQUEST_TIMEOUT: "consumer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "consumer.network.request_queue_size",
} as const;

export const producerEvents = {
  CONNECT: "producer.connect",
  DISCONNECT: "producer.disconnect",
  REQUEST: "producer.network.request",
  REQUEST_TIMEOUT: "producer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "producer.network.request_queue_size",
} as const;

export const adminEvents = {
  CONNECT: "admin.connect",
  DISCONNECT: "admin.disconnect",
  REQUEST: "admin.network.request",
  REQUEST_TIMEOUT: "admin.network.request_timeout",
  REQUEST_QUEUE_SIZE: "admin.network.request_queue_size",
} as const;
