/**
 * A failure that is not the fault of the record in hand: a dependency away (the broker, the schema
 * registry, ClickHouse) or a stage's state that cannot be read. The record waits and is retried,
 * never dead-lettered for it; the stage says meanwhile that it is stuck.
 */
export class TransientError extends Error {
  override readonly name = "TransientError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const systemErrorCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ESOCKETTIMEDOUT",
]);

/**
 * Whether an error a stage's handler threw says "a dependency is away" (hold the partition and
 * retry) rather than "this record cannot be handled" (isolate it to the dead-letter topic after a
 * few attempts). Every kafkajs error counts as the broker's (after a broker pause, errors such as
 * "the coordinator is not aware of this member" are not retriable in kafkajs' sense, yet nothing is
 * wrong with the record); so do network errors and errors a ClickHouse server answers with
 * (rows it refuses are dead-lettered by the sink before they get here).
 */
export function isTransientError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof TransientError) return true;
    const { name, code, type } = current as { name?: unknown; code?: unknown; type?: unknown };
    if (typeof name === "string" && name.startsWith("KafkaJS")) return true;
    if (typeof code === "string" && (systemErrorCodes.has(code) || code.startsWith("UND_ERR"))) return true;
    // @clickhouse/client: a server error has a numeric code and a type such as TOO_MANY_PARTS.
    if (typeof type === "string" && typeof code === "string" && /^\d+$/.test(code)) return true;
    if (typeof name === "string" && /timeout|abort/i.test(name)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
