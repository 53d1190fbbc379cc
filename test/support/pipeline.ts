import type { Touchpoint } from "@cx/contracts";
import { type CustomerProfile, eventIdHash } from "@cx/customer-profile";
import {
  createAvroCodec,
  createSchemaRegistry,
  type GroupTopic,
  type KafkaEnv,
  type KafkaMessage,
  readPartitionsToEnd,
  type SchemaRegistryClient,
  type Transport,
  waitUntilCaughtUp,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import {
  type CustomerProfileRecord,
  enricherContracts,
  type OfferRecord,
  offerContracts,
  profileOfRecord,
  type SuppressedRecord,
} from "@cx/stage-records";
import type { PipelineTopicsEnv } from "@cx/topics";
import { createTouchpointPublisher } from "@cx/workload-publisher";

/** Shared by the cross-service tests: write touchpoints, wait for stages, read what they wrote. */
const logger = createLogger("test-support", "warn");
type Env = KafkaEnv & PipelineTopicsEnv;

export async function publishTouchpoints(
  kafka: Transport,
  env: Env,
  touchpoints: readonly Touchpoint[],
  registry: SchemaRegistryClient = createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
) {
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  await publisher.publish(touchpoints);
  await publisher.close();
}

/** Every group has read everything on its topic, quiet twice half a second apart (stages feed each other). */
export const waitForGroups = (kafka: Transport, groups: readonly GroupTopic[], timeoutMs = 60_000) =>
  waitUntilCaughtUp(kafka, groups, { timeoutMs, pollMs: 500, quietPolls: 2 });

/** Every record of a topic up to its current end (transaction markers and all), raw. */
export async function readWholeTopic(kafka: Transport, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const messages: KafkaMessage[] = [];
  await readPartitionsToEnd(
    kafka,
    topic,
    ends.map((end) => end.partition),
    (message) => {
      messages.push(message);
    },
    logger,
  );
  return messages;
}

/** Every record of an Avro topic, decoded with `schema` as the reader; tombstones as null values. */
export async function readAvroTopic<T>(
  kafka: Transport,
  env: Pick<KafkaEnv, "SCHEMA_REGISTRY_URL">,
  topic: string,
  schema: object,
  registry: SchemaRegistryClient = createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
): Promise<{ key: string; value: T | null }[]> {
  const codec = await createAvroCodec<T>(registry, topic, schema);
  const decoded: { key: string; value: T | null }[] = [];
  for (const message of await readWholeTopic(kafka, topic)) {
    const key = String(message.key);
    if (message.value === null) {
      decoded.push({ key, value: null });
      continue;
    }
    const result = await codec.decode(message.value);
    if (!result.ok) throw new Error(result.reason);
    decoded.push({ key, value: result.value });
  }
  return decoded;
}

/** Every decision record on the offers and suppressed-decisions topics (committed transactions only). */
export async function readDecisions(
  kafka: Transport,
  env: Env,
  registry?: SchemaRegistryClient,
): Promise<{ offers: OfferRecord[]; suppressed: SuppressedRecord[] }> {
  const values = <T>(records: { value: T | null }[]) => records.map((record) => record.value as T);
  return {
    offers: values(
      await readAvroTopic<OfferRecord>(kafka, env, env.OFFERS_TOPIC, offerContracts.offer.schema, registry),
    ),
    suppressed: values(
      await readAvroTopic<SuppressedRecord>(
        kafka,
        env,
        env.SUPPRESSED_TOPIC,
        offerContracts.suppressed.schema,
        registry,
      ),
    ),
  };
}

/** The latest profile per customer on the compacted profile topic; merged-away and erased customers left out. */
export async function latestProfiles(kafka: Transport, env: Env): Promise<CustomerProfile[]> {
  const latest = new Map<string, CustomerProfileRecord | null>();
  for (const { key, value } of await readAvroTopic<CustomerProfileRecord>(
    kafka,
    env,
    env.PROFILES_TOPIC,
    enricherContracts.profile.schema,
  ))
    latest.set(key, value);
  return [...latest.values()].flatMap((record) => (record?.state ? [profileOfRecord(record.state)] : []));
}

/**
 * Profiles as run-independent values, keyed by their identifiers (not by which one named the
 * customer), merge markers (any remembered hash but the touchpoints of `stream`), the order of
 * remembered touchpoints and the last float digits left out.
 */
export function byIdentifiers(
  profiles: Iterable<CustomerProfile>,
  stream: readonly Touchpoint[],
): Record<string, unknown> {
  const touchpoints = new Set(stream.map((touchpoint) => eventIdHash(touchpoint.eventId)));
  const normalised: Record<string, unknown> = {};
  for (const profile of profiles) {
    const { customerId: _id, recentEventHashes, ...rest } = profile;
    normalised[profile.identifiers.join(" ")] = JSON.parse(
      JSON.stringify(
        {
          ...rest,
          // As text: the replacer's rounding is for floats, not 52-bit hashes.
          recentEventHashes: recentEventHashes
            .filter((hash) => touchpoints.has(hash))
            .sort((a, b) => a - b)
            .map(String),
        },
        (_k, v) => (typeof v === "number" ? Number(v.toPrecision(10)) : v),
      ),
    );
  }
  return normalised;
}
