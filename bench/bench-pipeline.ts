import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouse, createClickHouse, migrate } from "@cx/clickhouse";
import { customerKey, type Touchpoint, touchpointContract } from "@cx/contracts";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import {
  type Admin,
  type AvroCodec,
  consumerLag,
  createAvroCodec,
  createIdempotentProducer,
  createKafka,
  createSchemaRegistry,
  type Producer,
  type SchemaRegistryClient,
  type Transport,
} from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { offersEnvSchema, startOffersService } from "@cx/offers-service";
import { StopStack } from "@cx/runtime";
import { sinkEnvSchema, startSink } from "@cx/sink";
import { ensurePipelineTopics, pipelineTopicVariables } from "@cx/topics";
import { workloadTouchpoints } from "@cx/workload";
import { countingTransport, type RecordCounts } from "./counting-transport";
import { benchModels } from "./enrichment-in-process";

/** The workload every end-to-end figure uses: the realistic population of packages/workload. */
export interface WorkloadSize {
  /** Touchpoints taken from the stream (erasure requests left out, see below). */
  readonly touchpoints: number;
  readonly customers: number;
  readonly days: number;
  readonly seed: number;
}

/** About 0.25 touchpoints per person per day: 1 person per 20 touchpoints over 100 days gives enough. */
export const workloadFor = (touchpoints: number): WorkloadSize => ({
  touchpoints,
  customers: Math.max(500, Math.round(touchpoints / 20)),
  days: 100,
  seed: 11,
});

/**
 * The realistic workload's touchpoints, in time order. Erasure requests are left out: the sink
 * deletes an erased customer's rows, so with them the enriched table would never reach one row per
 * touchpoint (the figure's finish line). There are a handful per 100,000 touchpoints.
 */
export function* benchTouchpoints(size: WorkloadSize): Generator<Touchpoint> {
  const { touchpoints } = workloadTouchpoints({
    seed: size.seed,
    customers: size.customers,
    days: size.days,
  });
  let taken = 0;
  for (const touchpoint of touchpoints) {
    if (touchpoint.type === "erasure_request") continue;
    yield touchpoint;
    if (++taken === size.touchpoints) return;
  }
}

/** Topic, group and transactional names of one run, so runs never share state. */
function benchVariables(servers: { kafkaBrokers: string; schemaRegistryUrl: string }, partitions: number) {
  const run = `bench.e2e.${Date.now().toString(36)}`;
  return {
    KAFKA_BROKERS: servers.kafkaBrokers,
    SCHEMA_REGISTRY_URL: servers.schemaRegistryUrl,
    KAFKA_PARTITIONS: String(partitions),
    KAFKA_CLIENT_ID: run,
    ...pipelineTopicVariables((base) => `${run}.${base}`),
    ENRICHER_IDENTITY_GROUP_ID: `${run}.identity`,
    ENRICHER_IDENTITY_TRANSACTIONAL_ID: `${run}.identity`,
    ENRICHER_PROFILE_GROUP_ID: `${run}.profile`,
    OFFERS_GROUP_ID: `${run}.offers`,
    OFFERS_TRANSACTIONAL_ID: `${run}.offers`,
    // A replay of history: follow-ups fire as the customers' next touchpoints arrive, not by the wall clock.
    OFFERS_TICK_MS: "0",
    // The bench runs at any hour; with quiet hours on, a night run would only suppress.
    OFFERS_QUIET_FROM_HOUR: "0",
    OFFERS_QUIET_TO_HOUR: "0",
    SINK_GROUP_ID: `${run}.sink`,
    CLICKHOUSE_DATABASE: "bench_e2e",
  };
}

export interface RunningBenchPipeline {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly env: {
    readonly enricher: ReturnType<typeof enricherEnvSchema.parse>;
    readonly offers: ReturnType<typeof offersEnvSchema.parse>;
    readonly sink: ReturnType<typeof sinkEnvSchema.parse>;
  };
  readonly clickhouse: ClickHouse;
  readonly admin: Admin;
  readonly partitions: number;
  readonly touchpointCodec: AvroCodec<Touchpoint>;
  /** Sends touchpoints keyed by their strongest identifier (as channel systems do); returns the bytes sent. */
  publish(touchpoints: Iterable<Touchpoint>): Promise<{ records: number; bytes: number }>;
  /** Starts the enricher (both stages), the offer service and the sink in this process. */
  startServices(): Promise<void>;
  /** Kafka records written and read through this pipeline's transport since its services started. */
  readonly recordCounts: RecordCounts;
  /** Every consumer group's lag on its topics, summed (0: the pipeline has done all it was given). */
  lag(): Promise<number>;
  /** Rows in a ClickHouse table (without FINAL: the sink writes each record once). */
  rows(table: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Fresh topics, groups and an on-disk embedded ClickHouse (migrated), and the three services in this
 * process against the real broker and registry: the pipeline as `npm run enricher`, `npm run offers`
 * and `npm run sink` run it, with the CDNOW model fit.
 */
export async function createBenchPipeline(
  servers: { kafkaBrokers: string; schemaRegistryUrl: string },
  logger: Logger,
  {
    partitions,
    transport,
  }: {
    partitions: number;
    /** Another transport for the same services (the embedded mode's in-process one); else the servers. */
    transport?: { kafka: Transport; registry: SchemaRegistryClient };
  },
): Promise<RunningBenchPipeline> {
  const dir = mkdtempSync(join(tmpdir(), "cx-bench-e2e-"));
  const modelFile = join(dir, "models.json");
  writeFileSync(modelFile, JSON.stringify(benchModels));
  const variables = {
    ...benchVariables(servers, partitions),
    ENRICHER_MODEL_FILE: modelFile,
    CLICKHOUSE_DATA_DIR: join(dir, "clickhouse"),
  };
  const env = {
    enricher: enricherEnvSchema.parse(variables),
    offers: offersEnvSchema.parse(variables),
    sink: sinkEnvSchema.parse(variables),
  };
  const recordCounts: RecordCounts = { written: 0, read: 0 };
  const kafka = countingTransport(transport?.kafka ?? createKafka(env.offers, logger), recordCounts);
  const registry = transport?.registry ?? createSchemaRegistry(env.offers.SCHEMA_REGISTRY_URL);
  await ensurePipelineTopics(kafka, env.offers);
  const clickhouse = createClickHouse(env.sink);
  await migrate(clickhouse, logger);
  const admin = kafka.admin();
  await admin.connect();
  const touchpointCodec = await createAvroCodec<Touchpoint>(
    registry,
    env.offers.TOUCHPOINTS_TOPIC,
    touchpointContract.schema,
  );
  let producer: Producer | undefined;
  const services: { stop(): Promise<void> }[] = [];
  const groups = [
    { groupId: env.enricher.ENRICHER_IDENTITY_GROUP_ID, topic: env.enricher.TOUCHPOINTS_TOPIC },
    { groupId: env.enricher.ENRICHER_PROFILE_GROUP_ID, topic: env.enricher.IDENTIFIED_TOPIC },
    { groupId: env.offers.OFFERS_GROUP_ID, topic: env.offers.ENRICHED_TOPIC },
    ...[
      env.sink.TOUCHPOINTS_TOPIC,
      env.sink.ENRICHED_TOPIC,
      env.sink.STAGE_CHANGES_TOPIC,
      env.sink.PROFILES_TOPIC,
      env.sink.OFFERS_TOPIC,
      env.sink.SUPPRESSED_TOPIC,
      env.sink.OFFER_OUTCOMES_TOPIC,
    ].map((topic) => ({ groupId: env.sink.SINK_GROUP_ID, topic })),
  ];
  return {
    kafka,
    registry,
    env,
    clickhouse,
    admin,
    partitions,
    touchpointCodec,
    async publish(touchpoints) {
      producer ??= await createIdempotentProducer(kafka);
      let records = 0;
      let bytes = 0;
      let chunk: { key: string; value: Buffer }[] = [];
      const flush = async () => {
        await producer?.send({ topic: env.offers.TOUCHPOINTS_TOPIC, acks: -1, messages: chunk });
        chunk = [];
      };
      for (const touchpoint of touchpoints) {
        const key = customerKey(touchpoint.identifiers);
        const value = touchpointCodec.encode(touchpoint);
        chunk.push({ key, value });
        records++;
        bytes += value.length + Buffer.byteLength(key);
        if (chunk.length === 500) await flush();
      }
      if (chunk.length > 0) await flush();
      return { records, bytes };
    },
    recordCounts,
    async startServices() {
      // What the services cause, not the bench's own publishing.
      recordCounts.written = 0;
      recordCounts.read = 0;
      // At once, as separately deployed services start: their consumer groups form side by side.
      const started = new StopStack();
      services.push({ stop: () => started.stopAll() });
      const stop = (service: { stop(): Promise<void> }) => service.stop();
      await started.addAll(
        {
          name: "enricher",
          start: () => startEnricher({ kafka, registry, logger, env: env.enricher }),
          stop,
        },
        {
          name: "offers",
          start: () => startOffersService({ kafka, registry, logger, env: env.offers }),
          stop,
        },
        {
          name: "sink",
          start: () => startSink({ kafka, registry, clickhouse, logger, env: env.sink }),
          stop,
        },
      );
    },
    async lag() {
      const lags = await Promise.all(groups.map(({ groupId, topic }) => consumerLag(admin, groupId, topic)));
      return lags.reduce((sum, lag) => sum + lag, 0);
    },
    async rows(table) {
      const result = await clickhouse.client.query({
        query: `SELECT count() AS n FROM ${clickhouse.table(table)}`,
        format: "JSONEachRow",
      });
      const [row] = await result.json<{ n: string }>();
      return Number(row?.n ?? 0);
    },
    async stop() {
      for (const service of services.reverse()) await service.stop();
      await producer?.disconnect();
      await admin.disconnect();
      await clickhouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
