import {
  type DeadLetter,
  encodeRecords,
  type Message,
  partitionCount,
  type SchemaRegistryClient,
  type StageWrites,
  startStage,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { DeliveryProgress, DeliveryStateRecord, OfferRecord } from "@cx/stage-records";
import { ensurePipelineTopics, pipelineTopics, topicCodec } from "@cx/topics";
import type { DispatcherEnv } from "./config";
import { afterAttempt, endpointName, type StepOutcome, withoutAttempt } from "./delivery-step";
import { DisabledEndpoints } from "./disabled-endpoints";
import { countDeliveries, dispatcherMetrics } from "./dispatcher-metrics";
import { mapLimited } from "./map-limited";
import { PartitionDeliveries } from "./partition-deliveries";
import { createWebhookClient } from "./webhook-client";
import { type Endpoint, offerWebhook } from "./webhook-message";

export interface DispatcherDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly logger: Logger;
  readonly env: DispatcherEnv;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface RunningDispatcher {
  /** Attempts every due retry now (the timer does it every DISPATCHER_TICK_MS). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The webhook dispatcher: per partition of the offers topic (read committed), the deliveries in
 * flight, restored from the compacted delivery-state topic. An offer is attempted when it arrives;
 * its attempts' records, its new state, any dead letter and the input offset are then one Kafka
 * transaction (a transactional id per partition), and retries follow by the clock. A success is
 * recorded before anything else of its partition moves, so a decision is delivered successfully at
 * most once across restarts and instances, except for a crash in the milliseconds between a
 * receiver's 2xx and that commit (the receiver then sees the same webhook-id again).
 */
export async function startDispatcher(deps: DispatcherDeps): Promise<RunningDispatcher> {
  const { kafka, registry, env } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ stage: "dispatcher" });
  await ensurePipelineTopics(kafka, env);
  const codecs = {
    offer: await topicCodec(registry, env, pipelineTopics.offers),
    delivery: await topicCodec(registry, env, pipelineTopics.offerDeliveries),
    state: await topicCodec(registry, env, pipelineTopics.offerDeliveryState),
  };
  const endpoints = new Map<string, Endpoint>(
    [...env.DISPATCHER_ENDPOINTS].map(([channel, url]) => [
      channel,
      { url, secrets: env.DISPATCHER_SIGNING_SECRETS.get(channel) ?? [] },
    ]),
  );
  log.info(
    {
      endpoints: Object.fromEntries(
        [...endpoints].map(([channel, endpoint]) => [channel, endpointName(endpoint.url)]),
      ),
    },
    "delivering offers of these channels",
  );
  const post = createWebhookClient({
    timeoutMs: env.DISPATCHER_ATTEMPT_TIMEOUT_MS,
    allowedRanges: env.DISPATCHER_ALLOWED_ADDRESS_RANGES,
  });
  const settings = { schedule: env.DISPATCHER_RETRY_SCHEDULE, random };
  const disabledEndpoints = new DisabledEndpoints(env.DISPATCHER_REENABLE_CHANNELS);
  const statePartitions = await partitionCount(kafka, env.OFFER_DELIVERY_STATE_TOPIC);

  /** One step for one decision: an attempt, or the reason none can be made any more. */
  const step = async (progress: DeliveryProgress): Promise<StepOutcome> => {
    const endpoint = endpoints.get(progress.offer.channel);
    const at = now();
    // Restored from before a configuration change that took the channel's endpoint away.
    if (!endpoint)
      return withoutAttempt(
        progress,
        "",
        at,
        "failed",
        `undeliverable: no endpoint is configured for channel ${progress.offer.channel} any more`,
      );
    const name = endpointName(endpoint.url);
    const disabled = disabledEndpoints.find(progress.offer.channel, endpoint.url.href);
    if (disabled) return withoutAttempt(progress, name, at, "disabled", `undeliverable: ${disabled.reason}`);
    if (at > progress.offer.expiresAt)
      return withoutAttempt(
        progress,
        name,
        at,
        "failed",
        "undeliverable: the offer expired before it was delivered",
      );
    const result = await post(offerWebhook(progress.offer, endpoint, at));
    return afterAttempt(progress, name, result, at, settings);
  };

  /** Attempts what is due in a partition: what its attempts wrote, as the stage writes it. */
  const deliverDue = async (partition: number, deliveries: PartitionDeliveries): Promise<StageWrites> => {
    const due = deliveries.due(now());
    const steps = await mapLimited(due, env.DISPATCHER_CONCURRENCY, step);
    const letters: DeadLetter[] = [];
    for (const outcome of steps) {
      const { offer } = outcome.progress;
      const endpoint = endpoints.get(offer.channel);
      deliveries.apply(outcome);
      if (outcome.disable && endpoint)
        disabledEndpoints.disable({
          channel: offer.channel,
          url: endpoint.url.href,
          disabledAt: outcome.record.attemptedAt,
          reason: outcome.disable,
        });
      if (outcome.gaveUp)
        letters.push({
          key: offer.customerId,
          value: codecs.offer.encode(offer),
          reason: outcome.gaveUp,
          category: "undeliverable",
          stage: "dispatcher",
          source: {
            topic: env.OFFERS_TOPIC,
            partition: outcome.progress.sourcePartition,
            offset: outcome.progress.sourceOffset,
          },
        });
    }
    deliveries.forgetSettled(now());
    const records = steps.map((outcome) => outcome.record);
    const changes = deliveries.takeChanges();
    const markers = disabledEndpoints.take();
    const ownPartition = encodeRecords(
      codecs.state,
      changes.map(([key, value]) => ({ key, value })),
    );
    // A disabled endpoint is every partition's business: its marker goes to each.
    const everyPartition = encodeRecords(
      codecs.state,
      markers.map(([key, value]) => ({ key, value })),
    );
    const stateMessages: Message[] = [
      ...ownPartition.map((message) => ({ ...message, partition })),
      ...everyPartition.flatMap((message) =>
        Array.from({ length: statePartitions }, (_, each) => ({ ...message, partition: each })),
      ),
    ];
    return {
      outputs: [
        {
          topic: env.OFFER_DELIVERIES_TOPIC,
          messages: encodeRecords(
            codecs.delivery,
            records.map((record) => ({ key: record.customerId, value: record })),
          ),
        },
      ],
      changelog: [{ topic: env.OFFER_DELIVERY_STATE_TOPIC, messages: stateMessages }],
      refused: letters,
      onWritten() {
        countDeliveries(records);
        dispatcherMetrics.pending.set({ partition: String(partition) }, deliveries.pending());
        for (const letter of letters) log.warn({ partition, reason: letter.reason }, "offer given up");
      },
      onFailed: () => disabledEndpoints.putBack(markers),
    };
  };

  const stage = await startStage<OfferRecord, PartitionDeliveries, DeliveryStateRecord>({
    name: "dispatcher",
    kafka,
    logger: log,
    groupId: env.DISPATCHER_GROUP_ID,
    sources: [{ topic: env.OFFERS_TOPIC, codec: codecs.offer }],
    deadLetterTopic: env.DEAD_LETTER_TOPIC,
    concurrency: env.KAFKA_PARTITIONS,
    state: {
      layout: "per-partition",
      changelog: { topic: env.OFFER_DELIVERY_STATE_TOPIC, codec: codecs.state },
      restore: (latest) => PartitionDeliveries.restore(latest, disabledEndpoints),
    },
    delivery: { guarantee: "exactly-once", transactionalId: env.DISPATCHER_TRANSACTIONAL_ID },
    handle(deliveries, { records, context }) {
      for (const { value, partition, offset } of records)
        if (endpoints.has(value.channel)) deliveries.admit(value, partition, offset, now());
      return deliverDue(context.partition, deliveries);
    },
  });

  const nothing: StageWrites = { outputs: [], changelog: [] };
  const tick = () =>
    stage.eachState(async (deliveries, partition) =>
      deliveries.due(now()).length === 0 ? nothing : deliverDue(partition, deliveries),
    );
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick().finally(() => {
      ticking = false;
    });
  }, env.DISPATCHER_TICK_MS);
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await stage.stop();
    },
  };
}
