import { type ClickHouse, migrate } from "@cx/clickhouse";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import { CustomerEnricher } from "@cx/enrichment";
import {
  consumerLag,
  createAvroCodec,
  createAvroProducer,
  createKafka,
  createSchemaRegistry,
  deadLetterHeaders,
  type KafkajsTransport,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { type Sink, type SinkEnv, sinkEnvSchema, startSink } from "@cx/sink";
import { type EnrichedTouchpointRecord, enricherContracts } from "@cx/stage-records";
import {
  freshClickHouse,
  readTopic,
  testPipelineVariables,
  touchpointOnDay,
  uniqueName,
  waitFor,
} from "@cx/testing";
import { sampleTouchpoints } from "@cx/workload";
import { createTouchpointPublisher } from "@cx/workload-publisher";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger("sink-e2e", "warn");

describe("touchpoints through the real broker and registry into ClickHouse", () => {
  let clickhouse: ClickHouse;
  let env: SinkEnv;
  let kafka: KafkajsTransport;
  let sink: Sink | undefined;
  const registry = () => createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  const runSink = async () => {
    sink = await startSink({ kafka, registry: registry(), clickhouse, logger, env });
  };
  const stopSink = async () => {
    await sink?.stop();
    sink = undefined;
  };
  const counts = async () => {
    const result = await clickhouse.client.query({
      // No FINAL: the sink must not have written a row twice, not merely have it collapsed later.
      query: `SELECT count() AS events, uniqExact(event_id) AS ids FROM ${clickhouse.table("touchpoints")}`,
      format: "JSONEachRow",
    });
    const [row] = await result.json<{ events: string; ids: string }>();
    return { events: Number(row?.events), ids: Number(row?.ids) };
  };
  const caughtUp = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        () => consumerLag(admin, env.SINK_GROUP_ID, env.TOUCHPOINTS_TOPIC),
        (lag) => lag === 0,
        {
          what: "sink to catch up",
        },
      );
    } finally {
      await admin.disconnect();
    }
  };
  const endAt = Date.now();
  const firstWave = sampleTouchpoints({ count: 400, seed: 1, endAt });
  const secondWave = sampleTouchpoints({ count: 150, seed: 2, endAt });

  beforeAll(async () => {
    clickhouse = freshClickHouse("sink");
    env = sinkEnvSchema.parse({
      ...testPipelineVariables(),
      SINK_GROUP_ID: uniqueName("sink"),
      CLICKHOUSE_DATABASE: clickhouse.database,
    });
    kafka = createKafka(env, logger);
    await migrate(clickhouse, logger);
  });

  afterAll(async () => {
    await stopSink();
    await clickhouse?.close();
  });

  it("writes every touchpoint once and dead-letters malformed records with their reason", async () => {
    await runSink();
    const publisher = await createTouchpointPublisher(kafka, registry(), env);
    await publisher.publish(firstWave);
    await publisher.close();

    // Undecodable bytes, and a record the schema accepts but the rules do not (sentiment out of range).
    const codec = await createAvroCodec<Touchpoint>(
      registry(),
      env.TOUCHPOINTS_TOPIC,
      touchpointContract.schema,
    );
    const [template] = firstWave;
    if (!template) throw new Error("no sample");
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: env.TOUCHPOINTS_TOPIC,
      messages: [
        { key: "poison-1", value: Buffer.from("{ this is json, not avro }") },
        {
          key: "poison-2",
          value: codec.encode({ ...template, eventId: "bad-sentiment", sentiment: 5 }),
        },
      ],
    });
    await producer.disconnect();

    await caughtUp();
    expect(await counts()).toEqual({ events: firstWave.length, ids: firstWave.length });

    const deadLetters = (await readTopic(kafka, env.DEAD_LETTER_TOPIC, 2)).map((message) => ({
      key: String(message.key),
      reason: String(message.headers?.[deadLetterHeaders.reason]),
      sourceTopic: String(message.headers?.[deadLetterHeaders.sourceTopic]),
    }));
    deadLetters.sort((a, b) => a.key.localeCompare(b.key));
    expect(deadLetters).toEqual([
      { key: "poison-1", reason: expect.stringMatching(/wire format/), sourceTopic: env.TOUCHPOINTS_TOPIC },
      {
        key: "poison-2",
        reason: expect.stringMatching(/^invalid: sentiment: Too big/),
        sourceTopic: env.TOUCHPOINTS_TOPIC,
      },
    ]);
  });

  it("resumes after a restart from its committed offsets without writing duplicates", async () => {
    await stopSink();
    const publisher = await createTouchpointPublisher(kafka, registry(), env);
    await publisher.publish(secondWave);
    await publisher.close();
    await runSink();
    await caughtUp();
    const total = firstWave.length + secondWave.length;
    expect(await counts()).toEqual({ events: total, ids: total });
  });

  it("absorbs a full redelivery (offsets lost, as after a crash before commit) without duplicates", async () => {
    await stopSink();
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsetsToEarliest(env.SINK_GROUP_ID, env.TOUCHPOINTS_TOPIC);
    expect(await consumerLag(admin, env.SINK_GROUP_ID, env.TOUCHPOINTS_TOPIC)).toBeGreaterThan(0);
    await admin.disconnect();
    await runSink();
    await caughtUp();
    const total = firstWave.length + secondWave.length;
    expect(await counts()).toEqual({ events: total, ids: total });
  });

  it("writes an event sent again as a new Kafka record only once (a channel system's retry)", async () => {
    const publisher = await createTouchpointPublisher(kafka, registry(), env);
    await publisher.publish(firstWave.slice(0, 100));
    await publisher.close();
    await caughtUp();
    const total = firstWave.length + secondWave.length;
    expect(await counts()).toEqual({ events: total, ids: total });
  });

  it("writes an enriched touchpoint published twice (the profile stage is at-least-once) once, and counts it once", async () => {
    const touchpoint = touchpointOnDay(3, { identifiers: { loyaltyId: "L-twice" } });
    const { snapshot } = new CustomerEnricher().process(touchpoint);
    const record: EnrichedTouchpointRecord = {
      customerId: snapshot.customerId,
      touchpoint,
      profile: snapshot,
      holdout: false,
    };
    const codec = await createAvroCodec<EnrichedTouchpointRecord>(
      registry(),
      env.ENRICHED_TOPIC,
      enricherContracts.enriched.schema,
    );
    const producer = await createAvroProducer(kafka, env.ENRICHED_TOPIC, codec);
    await producer.send([{ key: record.customerId, value: record }]);
    await producer.send([{ key: record.customerId, value: record }]);
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      () => consumerLag(admin, env.SINK_GROUP_ID, env.ENRICHED_TOPIC),
      (lag) => lag === 0,
      { what: "the sink to read the enriched topic" },
    ).finally(() => admin.disconnect());
    const result = await clickhouse.client.query({
      query: `SELECT (SELECT count() FROM ${clickhouse.table("enriched_touchpoints")} WHERE customer_id = {id:String}) AS rows,
                     (SELECT sum(touchpoints) FROM ${clickhouse.table("customer_journeys")} WHERE customer_id = {id:String}) AS steps`,
      query_params: { id: record.customerId },
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([{ rows: "1", steps: "1" }]);
  });

  it("keeps the aggregates equal to the same figures computed from the raw rows", async () => {
    const rows = async (query: string) =>
      (await clickhouse.client.query({ query, format: "JSONEachRow" })).json<Record<string, unknown>>();
    const touchpoints = clickhouse.table("touchpoints");
    expect(
      await rows(`SELECT day, channel, type, sum(touchpoints) AS n, sum(revenue_minor) AS revenue
                  FROM ${clickhouse.table("daily_channel_activity")} GROUP BY day, channel, type ORDER BY day, channel, type`),
    ).toEqual(
      await rows(`SELECT toDate(occurred_at) AS day, channel, type, count() AS n,
                         sum(if(type IN ('purchase', 'return'), coalesce(amount_minor, 0), 0)) AS revenue
                  FROM ${touchpoints} GROUP BY day, channel, type ORDER BY day, channel, type`),
    );
    expect(
      await rows(`SELECT day, channel, sum(complaints) AS complaints, round(avgMerge(wait_seconds), 6) AS wait
                  FROM ${clickhouse.table("service_daily")} GROUP BY day, channel ORDER BY day, channel`),
    ).toEqual(
      await rows(`SELECT toDate(occurred_at) AS day, channel, countIf(type = 'complaint') AS complaints,
                         round(avg(wait_seconds), 6) AS wait
                  FROM ${touchpoints} GROUP BY day, channel ORDER BY day, channel`),
    );
    const [activity] = await rows(
      `SELECT sum(touchpoints) AS n FROM ${clickhouse.table("daily_channel_activity")}`,
    );
    expect(Number(activity?.n)).toBe(firstWave.length + secondWave.length);
  });
});
