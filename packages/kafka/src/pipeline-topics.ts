import { z } from "zod";
import type { KafkaEnv } from "./kafkajs/kafka-config";
import { ensureTopics, type TopicSpec } from "./topics";
import type { Transport } from "./transport";

/** Topic names are configuration so that tests (and several pipelines on one cluster) can keep apart. */
export const pipelineTopicsEnvSchema = z.object({
  TOUCHPOINTS_TOPIC: z.string().min(1).default("cx.touchpoints"),
  DEAD_LETTER_TOPIC: z.string().min(1).default("cx.dead-letters"),
  /** Enricher-internal: touchpoints keyed by customer id, from the identity stage to the profile stage. */
  IDENTIFIED_TOPIC: z.string().min(1).default("cx.identified-touchpoints"),
  ENRICHED_TOPIC: z.string().min(1).default("cx.enriched-touchpoints"),
  /** Compacted: the latest profile per customer; also the profile stage's changelog. */
  PROFILES_TOPIC: z.string().min(1).default("cx.customer-profiles"),
  STAGE_CHANGES_TOPIC: z.string().min(1).default("cx.lifecycle-stage-changes"),
  IDENTITY_EVENTS_TOPIC: z.string().min(1).default("cx.identity-events"),
  /** Compacted, one partition: the identity graph's changelog. */
  IDENTITY_CHANGELOG_TOPIC: z.string().min(1).default("cx.identity-changelog"),
  /** One partition: operator commands to the identity stage (undo a merge). */
  IDENTITY_COMMANDS_TOPIC: z.string().min(1).default("cx.identity-commands"),
  OFFERS_TOPIC: z.string().min(1).default("cx.offers"),
  SUPPRESSED_TOPIC: z.string().min(1).default("cx.suppressed-decisions"),
  OFFER_OUTCOMES_TOPIC: z.string().min(1).default("cx.offer-outcomes"),
  /** Compacted: the offer service's changelog, co-partitioned with the enriched touchpoints. */
  OFFER_STATE_TOPIC: z.string().min(1).default("cx.offer-state"),
  /** Outcomes reported by decision id through the gateway, keyed by customer id, read by the offers stage. */
  OFFER_RESPONSES_TOPIC: z.string().min(1).default("cx.offer-responses"),
  /** Every webhook delivery attempt of an offer (the dispatcher's record, written to ClickHouse). */
  OFFER_DELIVERIES_TOPIC: z.string().min(1).default("cx.offer-deliveries"),
  /** Compacted: the dispatcher's changelog, co-partitioned with the offers. */
  OFFER_DELIVERY_STATE_TOPIC: z.string().min(1).default("cx.offer-delivery-state"),
});
export type PipelineTopicsEnv = z.infer<typeof pipelineTopicsEnvSchema>;
/**
 * A name for every pipeline topic, from one function of the topic's base name ("touchpoints",
 * "offer_state"): how tests and benchmarks get topics of their own. The list is the schema's.
 */
export function pipelineTopicVariables(name: (base: string) => string): Record<string, string> {
  return Object.fromEntries(
    Object.keys(pipelineTopicsEnvSchema.shape).map((variable) => [
      variable,
      name(variable.replace(/_TOPIC$/, "").toLowerCase()),
    ]),
  );
}

type TopicsEnv = PipelineTopicsEnv & Pick<KafkaEnv, "KAFKA_PARTITIONS" | "KAFKA_REPLICATION_FACTOR">;

/** Every topic of the pipeline with its shape: partitions, and compaction for state and latest-value topics. */
export function pipelineTopicSpecs(env: TopicsEnv): TopicSpec[] {
  const keyed = { partitions: env.KAFKA_PARTITIONS, replicationFactor: env.KAFKA_REPLICATION_FACTOR };
  const single = { partitions: 1, replicationFactor: env.KAFKA_REPLICATION_FACTOR };
  return [
    { topic: env.TOUCHPOINTS_TOPIC, ...keyed },
    { topic: env.DEAD_LETTER_TOPIC, ...keyed },
    { topic: env.IDENTIFIED_TOPIC, ...keyed },
    { topic: env.ENRICHED_TOPIC, ...keyed },
    { topic: env.PROFILES_TOPIC, ...keyed, compacted: true },
    { topic: env.STAGE_CHANGES_TOPIC, ...keyed },
    { topic: env.IDENTITY_EVENTS_TOPIC, ...keyed },
    { topic: env.IDENTITY_CHANGELOG_TOPIC, ...single, compacted: true },
    { topic: env.IDENTITY_COMMANDS_TOPIC, ...single },
    { topic: env.OFFERS_TOPIC, ...keyed },
    { topic: env.SUPPRESSED_TOPIC, ...keyed },
    { topic: env.OFFER_OUTCOMES_TOPIC, ...keyed },
    { topic: env.OFFER_STATE_TOPIC, ...keyed, compacted: true },
    { topic: env.OFFER_RESPONSES_TOPIC, ...keyed },
    { topic: env.OFFER_DELIVERIES_TOPIC, ...keyed },
    { topic: env.OFFER_DELIVERY_STATE_TOPIC, ...keyed, compacted: true },
  ];
}

/**
 * Topics whose partitions must line up: a stateful stage restores partition p of its input from
 * partition p of its changelog, which holds only if both split keys the same way.
 */
const coPartitioned = (env: TopicsEnv) => [
  [env.IDENTIFIED_TOPIC, env.PROFILES_TOPIC],
  [env.ENRICHED_TOPIC, env.OFFER_STATE_TOPIC, env.OFFER_RESPONSES_TOPIC],
  [env.OFFERS_TOPIC, env.OFFER_DELIVERY_STATE_TOPIC],
];

/** Creates the pipeline's topics where they are missing and checks the ones that must line up. */
export async function ensurePipelineTopics(kafka: Transport, env: TopicsEnv): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, pipelineTopicSpecs(env));
    for (const group of coPartitioned(env)) {
      const { topics } = await admin.fetchTopicMetadata({ topics: group });
      const counts = topics.map((topic) => `${topic.name}: ${topic.partitions.length}`);
      if (new Set(topics.map((topic) => topic.partitions.length)).size > 1)
        throw new Error(
          `topics ${counts.join(", ")} must have the same number of partitions (a stage restores each ` +
            "partition from the same partition of its changelog); recreate or add partitions to match",
        );
    }
  } finally {
    await admin.disconnect();
  }
}
