import type { ProfileOptions } from "@cx/enrichment";
import { ProfileStore } from "@cx/enrichment";
import { encodeRecords, startStage } from "@cx/kafka";
import { holdoutSettings } from "@cx/offers";
import { type CustomerProfileRecord, type IdentifiedRecord, profileOfRecord } from "@cx/stage-records";
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
  return startStage<IdentifiedRecord, ProfileStore, CustomerProfileRecord>({
    name: "enricher-profile",
    kafka,
    logger: log,
    groupId: env.ENRICHER_PROFILE_GROUP_ID,
    sources: [{ topic: env.IDENTIFIED_TOPIC, codec: codecs.identified }],
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    // The stores are per partition; the batches of a fetch share each send instead of taking
    // turns, two sends each, while the others' records wait.
    concurrency: env.KAFKA_PARTITIONS,
    state: {
      layout: "per-partition",
      changelog: { topic: env.PROFILES_TOPIC, codec: codecs.profile },
      restore(latest) {
        const store = new ProfileStore(options);
        for (const record of latest.values()) {
          if (record?.state && record.snapshot)
            store.restore(
              { profile: profileOfRecord(record.state), stage: record.snapshot.lifecycle.stage },
              record.snapshot,
            );
          else if (record?.mergedInto) store.restoreForward(record.customerId, record.mergedInto);
        }
        return store;
      },
    },
    // Outputs before the changelog: see the comment at the top.
    delivery: { guarantee: "at-least-once" },
    async handle(store, batch) {
      const out = noProfileOutputs();
      for (const record of batch.records) handleIdentified(store, record.value, out, holdout);
      const changelog = profileChangelog(store, Date.now(), holdout);
      return {
        outputs: [
          { topic: env.ENRICHED_TOPIC, messages: encodeRecords(codecs.enriched, out.enriched) },
          {
            topic: env.STAGE_CHANGES_TOPIC,
            messages: encodeRecords(codecs.stageChange, out.stageChanges),
          },
          { topic: env.IDENTIFIED_TOPIC, messages: encodeRecords(codecs.identified, out.transfers) },
        ],
        changelog: [{ topic: env.PROFILES_TOPIC, messages: encodeRecords(codecs.profile, changelog) }],
      };
    },
  });
}
