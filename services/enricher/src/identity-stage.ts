import { type Touchpoint, validateTouchpoint } from "@cx/contracts";
import { type IdentityChangelogValue, IdentityGraph, type IdentityLimits } from "@cx/identity";
import {
  chunkTopicMessages,
  createIdempotentProducer,
  createTransactionalProducer,
  DeadLetterPublisher,
  encodeRecords,
  groupOffsets,
  handledTogether,
  inTransaction,
  type Producer,
  readLatestPerKey,
  type SchemaRegistryClient,
  startBatchConsumer,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { StopStack } from "@cx/runtime";
import type { IdentityCommand } from "@cx/stage-records";
import { pipelineTopics, topicCodec } from "@cx/topics";
import type { EnricherEnv } from "./config";
import { type AppliedBatches, type IdentityBatch, identifyBatches } from "./identify-batches";

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
 * what was published about it can never disagree. A new owner's transactional id fences the old.
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
  // Made by the owner's first batch, before the graph is read: creating it fences a previous owner
  // and aborts its open transaction (so a standby, which never handles a batch, fences nobody).
  // Replaced (undefined until the next batch) when a broker outage leaves it unusable; see inTransaction.
  let transactional: Producer | undefined;
  const stack = new StopStack();
  const deadLetterProducer = stack.add(
    "dead-letter producer",
    await createIdempotentProducer(kafka),
    (producer) => producer.disconnect(),
  );
  const deadLetters = new DeadLetterPublisher(deadLetterProducer, env.DEAD_LETTER_TOPIC);

  /** undefined until restored from the changelog, and again after a rebalance or a failed batch. */
  let graph: IdentityGraph | undefined;
  let memberId: string | undefined;

  const restore = async (): Promise<IdentityGraph> => {
    const started = performance.now();
    const latest = await readLatestPerKey(kafka, env.IDENTITY_CHANGELOG_TOPIC, [0], codecs.changelog, log);
    const values = [...(latest.get(0)?.values() ?? [])].filter(
      (value): value is IdentityChangelogValue => value !== null,
    );
    const restored = IdentityGraph.fromChangelog(values, limits);
    log.info(
      { entries: values.length, ms: Math.round(performance.now() - started) },
      "identity graph restored from its changelog",
    );
    return restored;
  };

  const consumer = await startBatchConsumer<Touchpoint | IdentityCommand>({
    kafka,
    groupId: env.ENRICHER_IDENTITY_GROUP_ID,
    stage: "enricher-identity",
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
    onAssignment(_assignment, joinedAs) {
      // Another member may have owned the graph since this one last did: read it again.
      if (joinedAs !== memberId) graph = undefined;
      memberId = joinedAs;
    },
    deadLetters,
    logger: log,
    // Every partition's batch of a fetch (touchpoints and commands) in one transaction: the
    // partitions no longer take turns, each paying a transaction of its own (kafkajs sends ~9
    // requests per transaction) while the others' records wait.
    partitionsConsumedConcurrently: 2 * env.KAFKA_PARTITIONS,
    handleBatch: handledTogether(async (batches) => {
      // A new producer before the graph is read, as at the start: it aborts what the old one left open.
      transactional ??= await createTransactionalProducer(kafka, env.ENRICHER_IDENTITY_TRANSACTIONAL_ID);
      const producer = transactional;
      const started = performance.now();
      const now = Date.now();
      const failures = new Map<IdentityBatch, unknown>();
      // A batch that throws midway leaves part of its changes in the graph: the graph is read
      // again and the group's other batches applied to it once more, without that one.
      let applied: AppliedBatches;
      for (;;) {
        graph ??= await restore();
        applied = await identifyBatches(
          graph,
          batches.filter((batch) => !failures.has(batch)),
          { now, touchpointsTopic: env.TOUCHPOINTS_TOPIC, log },
        );
        if (!applied.failed) break;
        failures.set(applied.failed.batch, applied.failed.error);
        graph = undefined;
      }
      const handled = batches.filter((batch) => !failures.has(batch));
      if (handled.length === 0) return failures;
      const { out, refused } = applied;
      try {
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
        const changelog = applied.graph.takeChanges().map(({ key, value }) => ({ key, value }));
        const topicMessages = [
          { topic: env.IDENTIFIED_TOPIC, messages: await encodeRecords(codecs.identified, out.identified) },
          {
            topic: env.IDENTITY_EVENTS_TOPIC,
            messages: await encodeRecords(codecs.identityEvent, out.identityEvents),
          },
          { topic: env.IDENTITY_CHANGELOG_TOPIC, messages: await encodeRecords(codecs.changelog, changelog) },
        ];
        // Refused commands are dead-lettered as they came, in the same transaction as the batch's
        // outputs and offsets: once, whatever is retried.
        if (refused.length > 0)
          topicMessages.push({ topic: env.DEAD_LETTER_TOPIC, messages: deadLetters.messages(refused) });
        await inTransaction(
          producer,
          async (transaction) => {
            for (const chunk of chunkTopicMessages(topicMessages))
              await transaction.sendBatch({ topicMessages: chunk, acks: -1 });
            await transaction.sendOffsets({
              consumerGroupId: env.ENRICHER_IDENTITY_GROUP_ID,
              topics: groupOffsets(handled),
            });
          },
          async () => {
            log.warn("transaction failed; a new producer takes its transactional id");
            transactional = undefined;
            await producer.disconnect().catch(() => undefined);
          },
        );
        deadLetters.count(refused);
      } catch (error) {
        // The graph already holds this group's changes; they were not published, so start again
        // from what was.
        graph = undefined;
        throw error;
      }
      log.debug(
        {
          batches: handled.map(({ context }) => context),
          records: handled.reduce((sum, batch) => sum + batch.records.length, 0),
          identified: out.identified.length,
          events: out.identityEvents.length,
          ms: Math.round(performance.now() - started),
        },
        "identified batches",
      );
      return failures;
    }),
  }).catch((error: unknown) => stack.abandon(error));

  stack.add("transactional producer", undefined, () => transactional?.disconnect());
  stack.add("consumer", consumer, (started) => started.stop());
  return { stop: () => stack.stopAll() };
}
