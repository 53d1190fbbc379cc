import type { ProfileOptions } from "@cx/enrichment";
import { ProfileStore } from "@cx/enrichment";
import {
  chunkTopicMessages,
  createIdempotentProducer,
  DeadLetterPublisher,
  encodeRecords,
  handledTogether,
  type KeyedRecord,
  nextTurnOfEventLoop,
  type PartitionBatch,
  PartitionStates,
  readLatestPerKey,
  startBatchConsumer,
} from "@cx/kafka";
import { holdoutSettings } from "@cx/offers";
import { StopStack } from "@cx/runtime";
import type { CustomerProfileRecord, IdentifiedRecord } from "@cx/stage-records";
import { pipelineTopics, topicCodec } from "@cx/topics";
import type { RunningStage, StageDeps } from "./identity-stage";
import { handleIdentified, noProfileOutputs, profileChangelog } from "./profile-handler";

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
  const holdout = holdoutSettings(env);
  const codecs = {
    identified: await topicCodec(registry, env, pipelineTopics.identified),
    enriched: await topicCodec(registry, env, pipelineTopics.enriched),
    profile: await topicCodec(registry, env, pipelineTopics.profiles),
    stageChange: await topicCodec(registry, env, pipelineTopics.stageChanges),
  };
  const stack = new StopStack();
  const producer = stack.add("producer", await createIdempotentProducer(kafka), (made) => made.disconnect());
  /** Rebuilds the stores of these partitions in one read of the profiles topic. */
  const stores = new PartitionStates(async (partitions) => {
    const started = performance.now();
    const latest = await readLatestPerKey(kafka, env.PROFILES_TOPIC, partitions, codecs.profile, log);
    const restored = new Map<number, ProfileStore>();
    for (const [partition, records] of latest) {
      const store = new ProfileStore(options);
      for (const record of records.values()) {
        if (record?.state && record.snapshot)
          store.restore({ profile: record.state, stage: record.snapshot.lifecycle.stage }, record.snapshot);
        else if (record?.mergedInto) store.restoreForward(record.customerId, record.mergedInto);
      }
      restored.set(partition, store);
    }
    log.info(
      {
        partitions,
        customers: partitions.map((partition) => restored.get(partition)?.size ?? 0),
        ms: Math.round(performance.now() - started),
      },
      "profiles restored from the changelog",
    );
    return restored;
  });

  const consumer = await startBatchConsumer<IdentifiedRecord>({
    kafka,
    groupId: env.ENRICHER_PROFILE_GROUP_ID,
    stage: "enricher-profile",
    sources: [{ topic: env.IDENTIFIED_TOPIC, codec: codecs.identified }],
    onAssignment: (assignment, joinedAs) => stores.assign(assignment[env.IDENTIFIED_TOPIC] ?? [], joinedAs),
    deadLetters: new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC),
    logger: log,
    // The stores are per partition; the batches of a fetch share each send instead of taking
    // turns, two sends each, while the others' records wait.
    partitionsConsumedConcurrently: env.KAFKA_PARTITIONS,
    handleBatch: handledTogether(async (batches) => {
      const started = performance.now();
      const failures = new Map<PartitionBatch<IdentifiedRecord>, unknown>();
      const out = noProfileOutputs();
      const changelog: KeyedRecord<CustomerProfileRecord>[] = [];
      for (const [index, batch] of batches.entries()) {
        if (index > 0) await nextTurnOfEventLoop();
        const { partition } = batch.context;
        try {
          const store = await stores.get(partition);
          const own = noProfileOutputs();
          for (const record of batch.records) handleIdentified(store, record.value, own, holdout);
          out.enriched.push(...own.enriched);
          out.stageChanges.push(...own.stageChanges);
          out.transfers.push(...own.transfers);
          changelog.push(...profileChangelog(store, Date.now(), holdout));
        } catch (error) {
          // Its store holds changes that will not be published; rebuild it from what was.
          stores.drop(partition);
          failures.set(batch, error);
        }
      }
      const handled = batches.filter((batch) => !failures.has(batch));
      if (handled.length === 0) return failures;
      try {
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
      } catch (error) {
        // The stores hold changes that were not published; rebuild them from what was.
        for (const { context } of handled) stores.drop(context.partition);
        throw error;
      }
      log.debug(
        {
          batches: handled.map(({ context }) => context),
          records: handled.reduce((sum, batch) => sum + batch.records.length, 0),
          enriched: out.enriched.length,
          profiles: changelog.length,
          ms: Math.round(performance.now() - started),
        },
        "enriched batches",
      );
      return failures;
    }),
  }).catch((error: unknown) => stack.abandon(error));

  stack.add("consumer", consumer, (started) => started.stop());
  return { stop: () => stack.stopAll() };
}
