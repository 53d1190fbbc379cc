import { ensureTopics, type Transport } from "@cx/kafka";
import { uniqueName } from "./unique-name";

/** How many partitions a fresh topic has, and whether it is compacted (a changelog). */
export type FreshTopicSpec = number | { readonly partitions: number; readonly compacted: true };

/**
 * Topics no other test uses, created on this run's broker: one per entry, named from its key.
 * Returns their names under the same keys.
 */
export async function createFreshTopics<Name extends string>(
  kafka: Transport,
  specs: Readonly<Record<Name, FreshTopicSpec>>,
): Promise<Record<Name, string>> {
  const entries = (Object.entries(specs) as [Name, FreshTopicSpec][]).map(
    ([name, spec]) => [name, uniqueName(name), spec] as const,
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      entries.map(([, topic, spec]) =>
        typeof spec === "number"
          ? { topic, partitions: spec, replicationFactor: 1 }
          : { topic, partitions: spec.partitions, replicationFactor: 1, compacted: true },
      ),
    );
  } finally {
    await admin.disconnect();
  }
  return Object.fromEntries(entries.map(([name, topic]) => [name, topic])) as Record<Name, string>;
}
