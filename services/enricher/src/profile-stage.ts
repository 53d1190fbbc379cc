import type { ProfileOptions } from "@cx/enrichment";
import { ProfileStore } from "@cx/enrichment";
import {
  chunkTopicMessages,
  createAvroCodec,
  createIdempotentProducer,
  DeadLetterPublisher,
  encodeRecords,
  readPartitionsToEnd,
  startBatchConsumer,
} from "@cx/kafka";
import { decodeOrThrow, type RunningStage, type StageDeps } from "./identity-stage";
import { handleIdentified, noProfileOutputs, profileChangelog } from "./profile-handler";
import {
  type CustomerProfileRecord,
  type EnrichedTouchpointRecord,
  enricherContracts,
  type IdentifiedRecord,
  type StageChangeRecord,
} from "./records";

/**
 * The profile stage: scales out over the partitions of the identified topic (keyed by customer id).
 * Each partition has its own store of profiles, restored from the same partition of the compacted
 * profiles topic when the partition is assigned, so nothing is reprocessed. Outputs are written
 * before the changelog: a crash in between repeats them (at-least-once, same content) and never
 * loses them.
 */
export async function startProfileStage(
  { kafka, registry, logger, env }: StageDeps,
  options: ProfileOptions,
): Promise<RunningStage> {
  const log = logger.child({ stage: "profile" });
  const codecs = {
    identified: await createAvroCodec<IdentifiedRecord>(
      registry,
      env.IDENTIFIED_TOPIC,
      enricherContracts.identified.schema,
    ),
    enriched: await createAvroCodec<EnrichedTouchpointRecord>(
      registry,
      env.ENRICHED_TOPIC,
      enricherContracts.enriched.schema,
    ),
    profile: await createAvroCodec<CustomerProfileRecord>(
      registry,
      env.PROFILES_TOPIC,
      enricherContracts.profile.schema,
    ),
    stageChange: await createAvroCodec<StageChangeRecord>(
      registry,
      env.STAGE_CHANGES_TOPIC,
      enricherContracts.stageChange.schema,
    ),
  };
  const producer = await createIdempotentProducer(kafka);
  const stores = new Map<number, ProfileStore>();
  let memberId: string | undefined;

  let assigned = new Set<number>();

  /** Rebuilds the stores of these partitions in one read of the profiles topic. */
  const restore = async (partitions: number[]): Promise<void> => {
    const started = performance.now();
    const latest = new Map(
      partitions.map((partition) => [partition, new Map<string, CustomerProfileRecord | null>()]),
    );
    await readPartitionsToEnd(
      kafka,
      env.PROFILES_TOPIC,
      partitions,
      async (message, partition) => {
        const key = message.key?.toString("utf8") ?? "";
        latest
          .get(partition)
          ?.set(
            key,
            message.value === null
              ? null
              : await decodeOrThrow(codecs.profile, message.value, env.PROFILES_TOPIC),
          );
      },
      log,
    );
    for (const [partition, records] of latest) {
      const store = new ProfileStore(options);
      for (const record of records.values()) {
        if (record?.state && record.snapshot)
          store.restore({ profile: record.state, stage: record.snapshot.lifecycle.stage }, record.snapshot);
        else if (record?.mergedInto) store.restoreForward(record.customerId, record.mergedInto);
      }
      stores.set(partition, store);
    }
    log.info(
      {
        partitions,
        customers: partitions.map((partition) => stores.get(partition)?.size ?? 0),
        ms: Math.round(performance.now() - started),
      },
      "profiles restored from the changelog",
    );
  };

  const consumer = await startBatchConsumer<IdentifiedRecord>({
    kafka,
    groupId: env.ENRICHER_PROFILE_GROUP_ID,
    stage: "enricher-profile",
    sources: [{ topic: env.IDENTIFIED_TOPIC, codec: codecs.identified }],
    onAssignment(assignment, joinedAs) {
      // A partition kept under the same member id was never anyone else's; any other is read anew.
      assigned = new Set(assignment[env.IDENTIFIED_TOPIC] ?? []);
      for (const partition of [...stores.keys()])
        if (joinedAs !== memberId || !assigned.has(partition)) stores.delete(partition);
      memberId = joinedAs;
    },
    deadLetters: new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC),
    logger: log,
    async handleBatch(records, context) {
      if (!stores.has(context.partition)) {
        // Every partition this member was given and has not read yet, in one pass.
        const missing = [...new Set([...assigned, context.partition])].filter(
          (partition) => !stores.has(partition),
        );
        await restore(missing.sort((a, b) => a - b));
      }
      const store = stores.get(context.partition) as ProfileStore;
      const started = performance.now();
      try {
        const out = noProfileOutputs();
        for (const record of records) handleIdentified(store, record.value, out);
        const changelog = profileChangelog(store, Date.now());
        // Outputs, then the changelog: see the comment at the top.
        const outputs = [
          { topic: env.ENRICHED_TOPIC, messages: await encodeRecords(codecs.enriched, out.enriched) },
          {
            topic: env.STAGE_CHANGES_TOPIC,
            messages: await encodeRecords(codecs.stageChange, out.stageChanges),
          },
          { topic: env.IDENTIFIED_TOPIC, messages: await encodeRecords(codecs.identified, out.transfers) },
        ];
        const profiles = [
          { topic: env.PROFILES_TOPIC, messages: await encodeRecords(codecs.profile, changelog) },
        ];
        for (const topicMessages of [...chunkTopicMessages(outputs), ...chunkTopicMessages(profiles)])
          await producer.sendBatch({ acks: -1, topicMessages });
        log.debug(
          {
            ...context,
            records: records.length,
            enriched: out.enriched.length,
            profiles: changelog.length,
            ms: Math.round(performance.now() - started),
          },
          "enriched batch",
        );
      } catch (error) {
        // The store holds changes that were not published; rebuild it from what was.
        stores.delete(context.partition);
        throw error;
      }
    },
  });

  return {
    async stop() {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
