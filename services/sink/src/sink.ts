import type { ClickHouse } from "@cx/clickhouse";
import { touchpointContract, validateTouchpoint } from "@cx/contracts";
import type { DecodedRecord } from "@cx/kafka";
import {
  type AvroCodec,
  createAvroCodec,
  createIdempotentProducer,
  DeadLetterPublisher,
  ensurePipelineTopics,
  startBatchConsumer,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { StopStack } from "@cx/runtime";
import { dispatcherContracts, enricherContracts, offerContracts } from "@cx/stage-records";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";
import type { SinkEnv } from "./config";
import {
  cancelStageChanges,
  closeCustomers,
  closedCustomers,
  eraseCustomers,
  erasedUntil,
  erasureOf,
  loadErasedCustomers,
} from "./erasure";
import {
  enrichedIdentity,
  newRows,
  type RowIdentity,
  stageChangeIdentity,
  touchpointIdentity,
} from "./event-dedup";
import {
  deliveryRow,
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

interface WriteTally {
  rows: number;
  repeated: number;
  rejected: number;
  erasedBefore: number;
  tombstones: number;
  erasures: number;
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
  /** For rows about a customer: who, and the row's time (rows about an erased customer dated up to the erasure are not written). */
  readonly about?: (row: never) => { customerId: string; at: string };
  /** A compacted topic: tombstones arrive and are not rows. */
  readonly tombstones?: boolean;
}

const aboutCustomer =
  (time: string) =>
  (row: never): { customerId: string; at: string } => {
    const fields = row as Record<string, string>;
    return { customerId: fields.customer_id as string, at: fields[time] as string };
  };

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
      identity: enrichedIdentity,
      about: aboutCustomer("occurred_at"),
    },
    {
      topic: env.STAGE_CHANGES_TOPIC,
      schema: enricherContracts.stageChange.schema,
      table: "lifecycle_stage_changes",
      row: stageChangeRow,
      identity: stageChangeIdentity,
      about: aboutCustomer("changed_at"),
    },
    {
      topic: env.PROFILES_TOPIC,
      schema: enricherContracts.profile.schema,
      table: "customer_profiles",
      row: profileRow,
      about: aboutCustomer("updated_at"),
      tombstones: true,
    },
    {
      topic: env.OFFERS_TOPIC,
      schema: offerContracts.offer.schema,
      table: "offers",
      row: offerRow,
      about: aboutCustomer("decided_at"),
    },
    {
      topic: env.SUPPRESSED_TOPIC,
      schema: offerContracts.suppressed.schema,
      table: "suppressed_decisions",
      row: suppressedRow,
      about: aboutCustomer("decided_at"),
    },
    {
      topic: env.OFFER_OUTCOMES_TOPIC,
      schema: offerContracts.outcome.schema,
      table: "offer_outcomes",
      row: outcomeRow,
      about: aboutCustomer("answered_at"),
    },
    {
      topic: env.OFFER_DELIVERIES_TOPIC,
      schema: dispatcherContracts.delivery.schema,
      table: "offer_deliveries",
      row: deliveryRow,
      about: aboutCustomer("attempted_at"),
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
  const stack = new StopStack();
  const producer = stack.add("producer", await createIdempotentProducer(kafka), (made) => made.disconnect());
  const deadLetters = new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC);
  /** Per topic and partition of this cluster, the highest offset the table holds: what comes again is skipped. */
  const stored = new Map<string, bigint>();
  const storedOffset = async (feed: TableFeed, origin: string, partition: number) => {
    const known = stored.get(origin);
    if (known !== undefined) return known;
    // The table's rows, and the watermark kept apart from them (erasure deletes rows).
    const result = await clickhouse.client.query({
      query: `SELECT count() AS rows, max(offset) AS last FROM
              (
                  SELECT source_offset AS offset FROM ${clickhouse.table(feed.table)}
                  WHERE source_cluster = {cluster:String} AND source_partition = {partition:UInt32}
                  UNION ALL
                  SELECT source_offset FROM ${clickhouse.table("sink_watermarks")}
                  WHERE table_name = {name:String} AND source_cluster = {cluster:String}
                    AND source_partition = {partition:UInt32}
              )`,
      query_params: { cluster, partition, name: feed.table },
      format: "JSONEachRow",
    });
    const [row] = await result.json<{ rows: string; last: string }>();
    const last = Number(row?.rows ?? 0) === 0 ? -1n : BigInt(row?.last ?? -1);
    stored.set(origin, last);
    return last;
  };
  /** Erased customers and when: rows about them dated up to then are not written when they come late. */
  const erased = await loadErasedCustomers(clickhouse);
  const erasedBefore = ({ customerId, at }: { customerId: string; at: string }) => {
    const when = erased.get(customerId);
    return when !== undefined && Date.parse(at) <= when;
  };

  const consumer = await startBatchConsumer<unknown>({
    kafka,
    groupId: env.SINK_GROUP_ID,
    sources: [...byTopic.values()].map((feed) => ({
      topic: feed.topic,
      codec: feed.codec,
      ...(feed.validate ? { validate: feed.validate } : {}),
      ...(feed.tombstones ? { tombstones: true } : {}),
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
      const origin = `${context.topic}/${context.partition}`;
      const last = await storedOffset(feed, origin, context.partition);
      const records = batch.filter((record) => BigInt(record.offset) > last);
      const table = clickhouse.table(feed.table);
      if (records.length === 0) {
        logger.info({ table, skipped: batch.length, ...context }, "batch already in ClickHouse");
        return;
      }
      stored.delete(origin); // unknown until this batch is settled
      const tally: WriteTally = {
        rows: 0,
        repeated: 0,
        rejected: 0,
        erasedBefore: 0,
        tombstones: 0,
        erasures: 0,
      };
      // An erasure request splits the batch: what came before it is written, then erased with the rest.
      let segment: DecodedRecord<unknown>[] = [];
      for (const record of records) {
        const erasure = feed.table === "enriched_touchpoints" ? erasureOf(record.value) : undefined;
        if (!erasure) {
          segment.push(record);
          continue;
        }
        await write(feed, origin, segment, tally);
        segment = [];
        const until = erasedUntil(erasure);
        await eraseCustomers(clickhouse, erasure, until);
        for (const customerId of erasure.customerIds) erased.set(customerId, until);
        tally.erasures++;
        logger.info({ table, eventId: erasure.eventId, ...context }, "erased a customer");
      }
      await write(feed, origin, segment, tally);
      stored.set(origin, BigInt(context.lastOffset));
      logger.info(
        {
          table,
          ...tally,
          skipped: batch.length - records.length,
          ...context,
          ms: Math.round(performance.now() - started),
        },
        "wrote batch",
      );
    },
  }).catch((error: unknown) => stack.abandon(error));
  stack.add("consumer", consumer, (started) => started.stop());

  /** One insert of a run of records (dedup token from its offsets), rows ClickHouse refuses dead-lettered. */
  async function write(
    feed: TableFeed,
    origin: string,
    records: readonly DecodedRecord<unknown>[],
    tally: WriteTally,
  ): Promise<void> {
    if (records.length === 0) return;
    const table = clickhouse.table(feed.table);
    const ingestedAt = new Date();
    const all: { record: DecodedRecord<unknown>; row: object }[] = [];
    for (const record of records) {
      if (record.value === null) {
        tally.tombstones++;
        continue;
      }
      const row = feed.row(
        record.value as never,
        { cluster, partition: record.partition, offset: record.offset },
        ingestedAt,
      );
      if (feed.about && erasedBefore(feed.about(row as never))) {
        tally.erasedBefore++;
        continue;
      }
      all.push({ record, row });
    }
    const pairs = feed.identity ? await withoutStoredEvents(table, all, feed.identity) : all;
    tally.repeated += all.length - pairs.length;
    const range = `${origin}/${records[0]?.offset}-${records.at(-1)?.offset}`;
    if (feed.table === "customer_profiles")
      await closeMergedAway(
        pairs.map((pair) => pair.row),
        range,
      );
    if (feed.table === "lifecycle_stage_changes")
      await cancelLateStageChanges(
        pairs.map((pair) => pair.row),
        range,
      );
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
      range,
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
      for (const { reason } of rejected) logger.warn({ table, origin, reason }, "dead-lettered a row");
    }
    tally.rows += pairs.length - rejected.length;
    tally.rejected += rejected.length;
  }

  /** Customers merged into another leave the per-stage counts (the survivor is counted). */
  async function closeMergedAway(rows: readonly object[], range: string): Promise<void> {
    const merged = (rows as ReturnType<typeof profileRow>[]).filter((row) => row.merged_into !== null);
    await closeCustomers(
      clickhouse,
      merged.map((row) => ({ customerId: row.customer_id, at: Date.parse(row.updated_at) })),
      "merged",
      `merged/${range}`,
    );
  }

  /**
   * A stage change can reach ClickHouse after its customer was closed as merged away (the topics
   * are read side by side): its count is cancelled as of the closing, as if it had come in time.
   */
  async function cancelLateStageChanges(rows: readonly object[], range: string): Promise<void> {
    const changes = rows as ReturnType<typeof stageChangeRow>[];
    const closedAt = await closedCustomers(
      clickhouse,
      changes.map((row) => row.customer_id),
    );
    const late = changes.filter((row) => closedAt.has(row.customer_id));
    await cancelStageChanges(
      clickhouse,
      late.map((row) => ({
        customerId: row.customer_id,
        at: closedAt.get(row.customer_id) as number,
        from: row.from_stage,
        to: row.to_stage,
      })),
      `late-stage-changes/${range}`,
    );
  }

  return { stop: () => stack.stopAll() };

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
