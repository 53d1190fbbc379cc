import { randomBytes } from "node:crypto";

/** A name no other test uses, valid as a topic, consumer group and ClickHouse identifier. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}
