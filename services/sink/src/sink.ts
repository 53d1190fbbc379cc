import type { ClickHouse } from "@cx/clickhouse";
import {
  type AvroCodec,
  createAvroCodec,
  createIdempotentProducer,
  DeadLetterPublisher,
  type DecodedRecord,
  type SchemaRegistryClient,
  startBatchConsumer,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { StopStack } from "@cx/runtime";
import { ensurePipelineTopics } from "@cx/topics";
import type { SinkEnv } from "./config";
import { eraseCustomers, erasedUntil, erasureOf, loadErasedCustomers } from "./erasure";
import { type TableFeed, tableFeeds } from "./table-feeds";
import { createTableWriter, type RowsWritten, type TableRows } from "./table-writer";
import { WriteBatcher } from "./write-batcher";

export interface SinkDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly clickhouse: ClickHouse;
  readonly logger: Logger;
  readonly env: SinkEnv;
}

interface WriteTally extends RowsWritten {
  tombstones: number;
  erasures: number;
}

export interface Sink {
  stop(): Promise<void>;
}

/** How much a fetch waits for (up to SINK_BATCH_MAX_WAIT_MS): thousands of rows, worth one insert. */
const lingerBytes = 1024 * 1024;
/**
 * How much one fetch may bring: kafkajs fetches again only once every batch of the last fetch is
 * handled, so each fetch costs a round trip plus an insert's wait; a backlog comes in a few large
 * fetches (tens of thousands of rows a partition) instead of many of 1 MiB a partition.
 */
const fetchBytes = { maxBytes: 32 * 1024 * 1024, maxBytesPerPartition: 4 * 1024 * 1024 };

/**
 * Pipeline topics → ClickHouse tables, a topic per table. The batches of every partition and topic
 * in hand are gathered into one insert per table (WriteBatcher, bounded by SINK_BATCH_MAX_ROWS and
 * SINK_BATCH_MAX_WAIT_MS); a batch's offset is committed only after ClickHouse has acknowledged its
 * rows. Exactly once: every row keeps its partition and offset, and records at or below the highest
 * offset a table holds for their partition are skipped (a batch redelivered after a crash, however
 * it is cut); a retried insert carries the same deduplication token, so ClickHouse drops it if the
 * first attempt landed.
 */
export async function startSink(deps: SinkDeps): Promise<Sink> {
  const { kafka, registry, clickhouse, logger, env } = deps;
  await ensurePipelineTopics(kafka, env);
  const byTopic = new Map<string, TableFeed & { codec: AvroCodec<unknown> }>();
  for (const feed of tableFeeds(env))
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

  const writeTables = createTableWriter({ clickhouse, deadLetters, logger, erasedBefore });
  const batcher = new WriteBatcher<TableRows, RowsWritten>({
    maxRows: env.SINK_BATCH_MAX_ROWS,
    maxWaitMs: env.SINK_BATCH_MAX_WAIT_MS,
    rowsOf: (run) => run.rows.length,
    flush: writeTables,
  });

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
    // Every partition's batch of a fetch at once, so that they share inserts.
    partitionsConsumedConcurrently: byTopic.size * env.KAFKA_PARTITIONS,
    // Under light traffic the broker holds a fetch until it has a batch worth an insert, or the wait is over.
    fetch: { minBytes: lingerBytes, maxWaitTimeInMs: env.SINK_BATCH_MAX_WAIT_MS, ...fetchBytes },
    // Another instance may have written since: read the stored offsets again.
    onAssignment: () => stored.clear(),
    handleBatch: (batch, context) =>
      batcher.handle(async () => {
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
          // Alone: rows written before it are erased, rows written after it are checked against it.
          await batcher.exclusive(async () => {
            const until = erasedUntil(erasure);
            await eraseCustomers(clickhouse, erasure, until);
            for (const customerId of erasure.customerIds) erased.set(customerId, until);
          });
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
      }),
  }).catch((error: unknown) => stack.abandon(error));
  stack.add("consumer", consumer, (started) => started.stop());

  /** A run of records as rows, written with the runs of other partitions and topics in the next flush. */
  async function write(
    feed: TableFeed,
    origin: string,
    records: readonly DecodedRecord<unknown>[],
    tally: WriteTally,
  ): Promise<void> {
    if (records.length === 0) return;
    // One time for the run: every row of it was taken in together.
    const ingestedAt = new Date().toISOString();
    const present: DecodedRecord<unknown>[] = [];
    const rows: object[] = [];
    for (const record of records) {
      if (record.value === null) {
        tally.tombstones++;
        continue;
      }
      present.push(record);
      rows.push(
        feed.row(
          record.value as never,
          { cluster, partition: record.partition, offset: record.offset },
          ingestedAt,
        ),
      );
    }
    if (rows.length === 0) return;
    const range = `${origin}/${records[0]?.offset}-${records.at(-1)?.offset}`;
    const written = await batcher.write({ feed, origin, range, records: present, rows });
    tally.rows += written.rows;
    tally.repeated += written.repeated;
    tally.rejected += written.rejected;
    tally.erasedBefore += written.erasedBefore;
  }

  return { stop: () => stack.stopAll() };
}
