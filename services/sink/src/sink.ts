import type { ClickHouse } from "@cx/clickhouse";
import { touchpointContract, validateTouchpoint } from "@cx/contracts";
import { enricherContracts } from "@cx/enricher";
import {
  type AvroCodec,
  createAvroCodec,
  createIdempotentProducer,
  DeadLetterPublisher,
  ensurePipelineTopics,
  startBatchConsumer,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { offerContracts } from "@cx/offers-service";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";
import type { SinkEnv } from "./config";
import {
  enrichedRow,
  offerRow,
  outcomeRow,
  profileRow,
  type RowSource,
  stageChangeRow,
  suppressedRow,
} from "./output-rows";
import { insertIsolatingRejects } from "./rejected-rows";
import { touchpointRow } from "./touchpoint-row";

export interface SinkDeps {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  readonly clickhouse: ClickHouse;
  readonly logger: Logger;
  readonly env: SinkEnv;
}

export interface Sink {
  stop(): Promise<void>;
}

/** A topic and the table its records go to. */
interface TableFeed {
  readonly topic: string;
  readonly schema: object;
  readonly table: string;
  readonly validate?: (value: unknown) => string | undefined;
  readonly row: (value: never, source: RowSource, ingestedAt: Date) => object;
}

function feeds(env: SinkEnv): TableFeed[] {
  return [
    {
      topic: env.TOUCHPOINTS_TOPIC,
      schema: touchpointContract.schema,
      table: "touchpoints",
      validate: (value) => validateTouchpoint(value),
      row: touchpointRow,
    },
    {
      topic: env.ENRICHED_TOPIC,
      schema: enricherContracts.enriched.schema,
      table: "enriched_touchpoints",
      row: enrichedRow,
    },
    {
      topic: env.STAGE_CHANGES_TOPIC,
      schema: enricherContracts.stageChange.schema,
      table: "lifecycle_stage_changes",
      row: stageChangeRow,
    },
    {
      topic: env.PROFILES_TOPIC,
      schema: enricherContracts.profile.schema,
      table: "customer_profiles",
      row: profileRow,
    },
    { topic: env.OFFERS_TOPIC, schema: offerContracts.offer.schema, table: "offers", row: offerRow },
    {
      topic: env.SUPPRESSED_TOPIC,
      schema: offerContracts.suppressed.schema,
      table: "suppressed_decisions",
      row: suppressedRow,
    },
    {
      topic: env.OFFER_OUTCOMES_TOPIC,
      schema: offerContracts.outcome.schema,
      table: "offer_outcomes",
      row: outcomeRow,
    },
  ];
}

/**
 * Pipeline topics → ClickHouse tables, a topic per table. Each Kafka batch is one insert; its offset
 * is committed only after ClickHouse has acknowledged the rows. The insert's deduplication token
 * names the batch's offsets, so retrying the same batch writes nothing twice, and each table's
 * ReplacingMergeTree collapses a record redelivered in a differently cut batch.
 */
export async function startSink(deps: SinkDeps): Promise<Sink> {
  const { kafka, registry, clickhouse, logger, env } = deps;
  await ensurePipelineTopics(kafka, env);
  const byTopic = new Map<string, TableFeed & { codec: AvroCodec<unknown> }>();
  for (const feed of feeds(env))
    byTopic.set(feed.topic, {
      ...feed,
      codec: await createAvroCodec<unknown>(registry, feed.topic, feed.schema),
    });
  const producer = await createIdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC);

  const consumer = await startBatchConsumer<unknown>({
    kafka,
    groupId: env.SINK_GROUP_ID,
    sources: [...byTopic.values()].map((feed) => ({
      topic: feed.topic,
      codec: feed.codec,
      ...(feed.validate ? { validate: feed.validate } : {}),
    })),
    stage: "sink",
    deadLetters,
    logger,
    async handleBatch(records, context) {
      const feed = byTopic.get(context.topic);
      if (!feed) throw new Error(`no table for topic ${context.topic}`);
      const started = performance.now();
      const ingestedAt = new Date();
      const table = clickhouse.table(feed.table);
      const origin = `${context.topic}/${context.partition}`;
      const rejected = await insertIsolatingRejects(
        records.map((record) => feed.row(record.value as never, record, ingestedAt)),
        async (values, token) => {
          await clickhouse.client.insert({
            table,
            values: [...values],
            format: "JSONEachRow",
            clickhouse_settings: { insert_deduplication_token: token },
          });
        },
        `${origin}/${context.firstOffset}-${context.lastOffset}`,
        (index) => `${origin}/${records[index]?.offset}`,
      );
      if (rejected.length > 0) {
        await deadLetters.publish(
          rejected.map(({ index, reason }) => {
            const record = records[index] as (typeof records)[number];
            return {
              key: record.key,
              value: record.raw,
              headers: record.headers,
              reason,
              stage: "sink",
              source: { topic: record.topic, partition: record.partition, offset: record.offset },
            };
          }),
        );
        for (const { reason } of rejected) logger.warn({ table, ...context, reason }, "dead-lettered a row");
      }
      logger.info(
        {
          table,
          rows: records.length - rejected.length,
          rejected: rejected.length,
          ...context,
          ms: Math.round(performance.now() - started),
        },
        "wrote batch",
      );
    },
  });

  return {
    async stop() {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
