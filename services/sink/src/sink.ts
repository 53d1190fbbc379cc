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
import { newRows, type RowIdentity, stageChangeIdentity, touchpointIdentity } from "./event-dedup";
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
  /** For tables feeding aggregates: the record's identity, so a repeated event is written once. */
  readonly identity?: RowIdentity<never>;
}

function feeds(env: SinkEnv): TableFeed[] {
  return [
    {
      topic: env.TOUCHPOINTS_TOPIC,
      schema: touchpointContract.schema,
      table: "touchpoints",
      validate: (value) => validateTouchpoint(value),
      row: touchpointRow,
      identity: touchpointIdentity,
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
      identity: stageChangeIdentity,
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
 * is committed only after ClickHouse has acknowledged the rows. Exactly once: every row keeps its
 * partition and offset, and records at or below the highest offset a table holds for their
 * partition are skipped (a batch redelivered after a crash, however it is cut); a retried insert
 * carries the same deduplication token, so ClickHouse drops it if the first attempt landed.
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
  const admin = kafka.admin();
  await admin.connect();
  const { clusterId: cluster } = await admin.describeCluster().finally(() => admin.disconnect());
  const producer = await createIdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC);
  /** Per topic and partition of this cluster, the highest offset the table holds: what comes again is skipped. */
  const stored = new Map<string, bigint>();
  const storedOffset = async (table: string, origin: string, partition: number) => {
    const known = stored.get(origin);
    if (known !== undefined) return known;
    const result = await clickhouse.client.query({
      query: `SELECT count() AS rows, max(source_offset) AS last FROM ${table}
              WHERE source_cluster = {cluster:String} AND source_partition = {partition:UInt32}`,
      query_params: { cluster, partition },
      format: "JSONEachRow",
    });
    const [row] = await result.json<{ rows: string; last: string }>();
    const last = Number(row?.rows ?? 0) === 0 ? -1n : BigInt(row?.last ?? -1);
    stored.set(origin, last);
    return last;
  };

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
    // Another instance may have written since: read the stored offsets again.
    onAssignment: () => stored.clear(),
    async handleBatch(batch, context) {
      const feed = byTopic.get(context.topic);
      if (!feed) throw new Error(`no table for topic ${context.topic}`);
      const started = performance.now();
      const ingestedAt = new Date();
      const table = clickhouse.table(feed.table);
      const origin = `${context.topic}/${context.partition}`;
      const last = await storedOffset(table, origin, context.partition);
      const records = batch.filter((record) => BigInt(record.offset) > last);
      if (records.length === 0) {
        logger.info({ table, skipped: batch.length, ...context }, "batch already in ClickHouse");
        return;
      }
      stored.delete(origin); // unknown until this insert is settled
      const all = records.map((record) => ({
        record,
        row: feed.row(
          record.value as never,
          { cluster, partition: record.partition, offset: record.offset },
          ingestedAt,
        ),
      }));
      const pairs = feed.identity ? await withoutStoredEvents(table, all, feed.identity) : all;
      const rejected = await insertIsolatingRejects(
        pairs.map((pair) => pair.row),
        async (values, token) => {
          await clickhouse.client.insert({
            table,
            values: [...values],
            format: "JSONEachRow",
            clickhouse_settings: { insert_deduplication_token: token },
          });
        },
        `${origin}/${records[0]?.offset}-${context.lastOffset}`,
        (index) => `${origin}/${pairs[index]?.record.offset}`,
      );
      if (rejected.length > 0) {
        await deadLetters.publish(
          rejected.map(({ index, reason }) => {
            const { record } = pairs[index] as (typeof pairs)[number];
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
      stored.set(origin, BigInt(context.lastOffset));
      logger.info(
        {
          table,
          rows: pairs.length - rejected.length,
          skipped: batch.length - records.length,
          repeated: records.length - pairs.length,
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

  async function withoutStoredEvents<Pair extends { row: object }>(
    table: string,
    pairs: Pair[],
    identity: RowIdentity<never>,
  ): Promise<Pair[]> {
    const rows = pairs.map((pair) => pair.row as never);
    const { query, params } = identity.stored(table, rows);
    const result = await clickhouse.client.query({ query, query_params: params, format: "JSONEachRow" });
    const held = new Set((await result.json<{ key: string }>()).map((row) => row.key));
    return newRows(rows, identity, held).map((index) => pairs[index] as Pair);
  }
}
