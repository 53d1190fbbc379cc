import { configure } from "safe-stable-stringify";
import { jsonDepthExceeds } from "./json-depth";

/**
 * The most of one dead letter's value that is kept: below Kafka's default maximum message size
 * (1 MB), with room for the headers, so that writing the dead letter can never be refused for size.
 */
export const maxDeadLetterBytes = 512 * 1024;

export interface BoundedValue {
  readonly value: Buffer;
  /** Why the value is not the whole original, for the dead letter's reason; undefined when it is. */
  readonly cut?: string;
}

/** Cuts bytes to the dead-letter bound. */
export function boundedBytes(bytes: Buffer | string): BoundedValue {
  const value = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  if (value.length <= maxDeadLetterBytes) return { value };
  return {
    value: value.subarray(0, maxDeadLetterBytes),
    cut: `the dead letter holds its first ${maxDeadLetterBytes} of ${value.length} bytes`,
  };
}

/**
 * A parsed value as JSON for a dead letter, bounded in depth and size: JSON.stringify recurses and
 * overflows the stack on a value nested some thousands deep, which must never cost the rest of a
 * batch. Levels past `maxDepth` are written as "[Object]" / "[Array]".
 */
export function boundedJson(value: unknown, maxDepth: number): BoundedValue {
  const stringify = configure({ maximumDepth: maxDepth, deterministic: false, circularValue: "[Circular]" });
  const text = stringify(value) ?? "null";
  const bounded = boundedBytes(text);
  const deeper = jsonDepthExceeds(value, maxDepth);
  const cuts = [
    ...(deeper ? [`the dead letter holds its first ${maxDepth} levels`] : []),
    ...(bounded.cut ? [bounded.cut] : []),
  ];
  return { value: bounded.value, ...(cuts.length > 0 ? { cut: cuts.join("; ") } : {}) };
}
