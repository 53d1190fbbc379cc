import { type Touchpoint, validateTouchpoint } from "@cx/contracts";
import { type IdentityChangelogValue, IdentityGraph, type IdentityLimits } from "@cx/identity";
import { encodeRecords, type SchemaRegistryClient, startStage, type Transport } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { IdentityCommand } from "@cx/stage-records";
import { pipelineTopics, topicCodec } from "@cx/topics";
import type { EnricherEnv } from "./config";
import { identifyBatches } from "./identify-batches";

export interface StageDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly logger: Logger;
  readonly env: EnricherEnv;
}

export interface RunningStage {
  stop(): Promise<void>;
}

/**
 * The identity stage: the one writer of the identity graph. Every partition of the touchpoints
 * topic goes to one member of its group (the others wait as standbys); its outputs, changelog and
 * input offsets are written in one Kafka transaction, so after a crash or a take-over the graph and
 * what was published about it can never disagree. A new owner's transactional id fences the old
 * (made before the graph is read, so a standby, which never handles a batch, fences nobody).
 */
export async function startIdentityStage({ kafka, registry, logger, env }: StageDeps): Promise<RunningStage> {
  const log = logger.child({ stage: "identity" });
  const codecs = {
    touchpoint: await topicCodec(registry, env, pipelineTopics.touchpoints),
    command: await topicCodec(registry, env, pipelineTopics.identityCommands),
    identified: await topicCodec(registry, env, pipelineTopics.identified),
    identityEvent: await topicCodec(registry, env, pipelineTopics.identityEvents),
    changelog: await topicCodec(registry, env, pipelineTopics.identityChangelog),
  };
  const limits: IdentityLimits | undefined = env.IDENTITY_LIMITS;
  return startStage<Touchpoint | IdentityCommand, IdentityGraph, IdentityChangelogValue>({
    name: "enricher-identity",
    kafka,
    logger: log,
    groupId: env.ENRICHER_IDENTITY_GROUP_ID,
    sources: [
      {
        topic: env.TOUCHPOINTS_TOPIC,
        codec: codecs.touchpoint,
        // Also guarantees an identifier to resolve by.
        validate: (value) => validateTouchpoint(value),
      },
      { topic: env.IDENTITY_COMMANDS_TOPIC, codec: codecs.command },
    ],
    assignment: "single-owner",
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    // Every partition's batch of a fetch (touchpoints and commands) in one transaction: the
    // partitions no longer take turns, each paying a transaction of its own (kafkajs sends ~9
    // requests per transaction) while the others' records wait.
    concurrency: 2 * env.KAFKA_PARTITIONS,
    state: {
      layout: "whole",
      changelog: { topic: env.IDENTITY_CHANGELOG_TOPIC, codec: codecs.changelog },
      restore: (latest) =>
        IdentityGraph.fromChangelog(
          [...latest.values()].filter((value): value is IdentityChangelogValue => value !== null),
          limits,
        ),
    },
    delivery: { guarantee: "exactly-once", transactionalId: env.ENRICHER_IDENTITY_TRANSACTIONAL_ID },
    async handle(graph, batch) {
      const applied = await identifyBatches(graph, [batch], {
        now: Date.now(),
        touchpointsTopic: env.TOUCHPOINTS_TOPIC,
        log,
      });
      if (applied.failed) throw applied.failed.error;
      const { out, refused } = applied;
      for (const { value } of out.identityEvents)
        if (value?.type === "link_blocked")
          log.warn(
            {
              customerIds: [value.customerId, ...value.otherCustomerIds],
              eventId: value.eventId,
              reason: value.reason,
            },
            "identity link refused",
          );
      const changes = graph.takeChanges().map(({ key, value }) => ({ key, value }));
      return {
        outputs: [
          { topic: env.IDENTIFIED_TOPIC, messages: encodeRecords(codecs.identified, out.identified) },
          {
            topic: env.IDENTITY_EVENTS_TOPIC,
            messages: encodeRecords(codecs.identityEvent, out.identityEvents),
          },
        ],
        changelog: [
          { topic: env.IDENTITY_CHANGELOG_TOPIC, messages: encodeRecords(codecs.changelog, changes) },
        ],
        // Refused commands are dead-lettered as they came, in the batch's transaction: once, whatever is retried.
        refused,
      };
    },
  });
}
