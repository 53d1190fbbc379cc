import type { ClickHouse } from "@cx/clickhouse";
import { type Touchpoint, touchpointContract, validateTouchpoint } from "@cx/contracts";
import {
  createAvroCodec,
  createIdempotentProducer,
  DeadLetterPublisher,
  ensurePipelineTopics,
  startBatchConsumer,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Kafka } from "kafkajs";
import type { SinkEnv } from "./config";
import { touchpointRow } from "./touchpoint-row";

export interface TouchpointSinkDeps {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  readonly clickhouse: ClickHouse;
  readonly logger: Logger;
  readonly env: SinkEnv;
}

export interface TouchpointSink {
  stop(): Promise<void>;
}

/**
 * Touchpoints topic → touchpoints table. Each Kafka batch is one insert; its offset is committed only
 * after ClickHouse has acknowledged the rows. The insert's deduplication token names the batch's
 * offsets, so retrying the same batch writes nothing twice, and the table's ReplacingMergeTree
 * collapses an event redelivered in a differently cut batch.
 */
export async function startTouchpointSink(deps: TouchpointSinkDeps): Promise<TouchpointSink> {
  const { kafka, registry, clickhouse, logger, env } = deps;
  await ensurePipelineTopics(kafka, env);
  const codec = await createAvroCodec<Touchpoint>(registry, env.TOUCHPOINTS_TOPIC, touchpointContract.schema);
  const producer = await createIdempotentProducer(kafka);
  const table = clickhouse.table("touchpoints");

  const consumer = await startBatchConsumer<Touchpoint>({
    kafka,
    groupId: env.SINK_GROUP_ID,
    sources: [
      { topic: env.TOUCHPOINTS_TOPIC, codec, validate: (touchpoint) => validateTouchpoint(touchpoint) },
    ],
    stage: "sink",
    deadLetters: new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC),
    logger,
    async handleBatch(records, context) {
      const started = performance.now();
      const ingestedAt = new Date();
      await clickhouse.client.insert({
        table,
        values: records.map((record) => touchpointRow(record.value, record, ingestedAt)),
        format: "JSONEachRow",
        clickhouse_settings: {
          insert_deduplication_token: `${context.topic}/${context.partition}/${context.firstOffset}-${context.lastOffset}`,
        },
      });
      logger.info(
        { table, rows: records.length, ...context, ms: Math.round(performance.now() - started) },
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
