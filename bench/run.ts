import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { createInMemorySchemaRegistry, createInMemoryTransport } from "@cx/memory-transport";
import { measureBareKafkaLoop } from "./bare-kafka-loop";
import { createBenchPipeline, workloadFor } from "./bench-pipeline";
import { measureClvFit } from "./clv-fit";
import { measureDecisionLatency } from "./decision-latency";
import { measureE2eThroughput } from "./e2e-throughput";
import { measureInProcessEnrichment } from "./enrichment-in-process";
import { measureKafkaEnrichment } from "./enrichment-kafka";
import { measureGatewayThroughput } from "./gateway-throughput";
import { measureOfferSimulation } from "./offer-simulation";
import { measureProfileMemory } from "./profile-memory";
import { measureQueryLatency } from "./query-latency";
import { formatTable } from "./report-table";
import { measureSinkThroughput } from "./sink-throughput";
import { measureWebhookDeliveries } from "./webhook-deliveries";

/**
 * `npm run bench [-- --out FILE] [-- --quick]`: measures on this machine against real servers
 * (started here unless KAFKA_BROKERS and SCHEMA_REGISTRY_URL are set) and writes one JSON file.
 */
const { values } = parseArgs({
  options: {
    out: { type: "string", default: "bench-results/latest.json" },
    quick: { type: "boolean", default: false },
  },
});
const logger = createLogger("bench", process.env.LOG_LEVEL ?? "warn");
const servers = await acquireServers(process.env, logger);
try {
  const quick = values.quick;
  const benchStarted = performance.now();
  // End to end first, on a quiet machine: the whole pipeline, then decision latency with it
  // running, then (pipeline stopped) the bare Kafka loop over the same touchpoint topic.
  const size = workloadFor(quick ? 50_000 : 400_000);
  const partitions = 6;
  const pipeline = await createBenchPipeline(servers, logger, { partitions });
  let e2e: Awaited<ReturnType<typeof measureE2eThroughput>>;
  let latency: Awaited<ReturnType<typeof measureDecisionLatency>>;
  try {
    e2e = await measureE2eThroughput(pipeline, size);
    latency = await measureDecisionLatency(pipeline, logger, { perSecond: 200, seconds: quick ? 15 : 60 });
  } finally {
    await pipeline.stop();
  }
  const bare = await measureBareKafkaLoop(pipeline.kafka, {
    topic: pipeline.env.offers.TOUCHPOINTS_TOPIC,
    partitions,
    averageMessageBytes: e2e.averageMessageBytes,
  });
  // The embedded mode: the same services and finish line over the in-memory transport (npm start's).
  const embeddedPipeline = await createBenchPipeline(servers, logger, {
    partitions,
    transport: {
      kafka: createInMemoryTransport({ dropConsumed: true }),
      registry: createInMemorySchemaRegistry(),
    },
  });
  let embedded: Awaited<ReturnType<typeof measureE2eThroughput>>;
  try {
    embedded = await measureE2eThroughput(embeddedPipeline, size);
  } finally {
    await embeddedPipeline.stop();
  }
  const gateway = await measureGatewayThroughput(servers, logger, { seconds: quick ? 10 : 30 });
  const inProcess = measureInProcessEnrichment(
    quick ? { people: 20_000, touchpoints: 200_000 } : { people: 100_000, touchpoints: 1_000_000 },
  );
  const throughKafka = await measureKafkaEnrichment(
    servers,
    logger,
    quick ? { people: 10_000, touchpoints: 50_000 } : { people: 60_000, touchpoints: 300_000 },
  );
  // About two customers per person: not every person links all their channels (see the setup).
  const memory = measureProfileMemory(quick ? 100_000 : 500_000);
  // The full size quick or not: with 50,000 rows the sink's start-up (topics, group join) was most of the figure.
  const sink = await measureSinkThroughput(servers, logger, { touchpoints: 300_000 });
  const webhooks = await measureWebhookDeliveries(servers, logger, { offers: quick ? 3000 : 20_000 });
  const queries = await measureQueryLatency(logger, { touchpoints: quick ? 1_000_000 : 10_000_000 });
  const simulation = measureOfferSimulation({ customers: quick ? 1000 : 2000, days: 84 });
  // The same million customers quick or not: the figure is the target's size (about 20 s).
  const clvFit = await measureClvFit({ customers: 1_000_000 });
  const report = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    e2eTouchpointsPerSecond: e2e.touchpointsPerSecond,
    bareKafkaLoopPerSecond: bare.recordsPerSecond,
    ratioToBare: Number((e2e.touchpointsPerSecond / bare.recordsPerSecond).toFixed(3)),
    decisionLatencyMs: latency.decisionLatencyMs,
    embeddedTouchpointsPerSecond: embedded.touchpointsPerSecond,
    gatewayEventsPerSecond: gateway.gatewayEventsPerSecond,
    enrichmentInProcessTouchpointsPerSecond: inProcess.touchpointsPerSecond,
    enrichmentKafkaTouchpointsPerSecond: throughKafka.touchpointsPerSecond,
    profileBytesPerCustomer: memory.profileBytesPerCustomer,
    sinkRowsPerSecond: sink.sinkRowsPerSecond,
    queryP95Ms: queries.queryP95Ms,
    webhookDeliveriesPerSecond: webhooks.webhookDeliveriesPerSecond,
    offerSimulation: simulation.offerSimulation,
    clvFitSeconds: clvFit.clvFitSeconds,
    benchSeconds: 0,
    setups: {
      e2e: e2e.setup,
      bareKafkaLoop: bare.setup,
      decisionLatency: latency.setup,
      embedded: embedded.setup,
      gateway: gateway.setup,
      enrichmentInProcess: inProcess.setup,
      enrichmentKafka: throughKafka.setup,
      profileMemory: memory.setup,
      sink: sink.setup,
      queries: queries.setup,
      webhooks: webhooks.setup,
      offerSimulation: simulation.setup,
      clvFit: clvFit.setup,
    },
  };
  report.benchSeconds = Math.round((performance.now() - benchStarted) / 1000);
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  const e2eSetup = e2e.setup;
  const latencySetup = latency.setup;
  console.log(
    formatTable([
      {
        figure: "end to end touchpoints/s",
        value: e2e.touchpointsPerSecond,
        setup: `${e2eSetup.touchpoints} touchpoints (${size.customers} starting customers, ${size.days} days) in ${e2eSetup.seconds} s, start-up included (steady ${e2eSetup.steadyTouchpointsPerSecond}/s); ${partitions} partitions, ${e2e.averageMessageBytes} B/message; enricher + offers + sink in one process → embedded ClickHouse`,
      },
      {
        figure: "bare kafkajs loop records/s",
        value: bare.recordsPerSecond,
        setup: `same topic: ${bare.setup.records} records, ${partitions} partitions, ${e2e.averageMessageBytes} B/message; eachBatch → send (idempotent, acks=all), median of ${bare.setup.passes} passes`,
      },
      {
        figure: "ratio end to end / bare",
        value: report.ratioToBare,
        setup: "the share of the transport's ceiling on this machine the pipeline reaches",
      },
      ...(["p50", "p95", "p99"] as const).map((q) => ({
        figure: `decision latency ${q} ms`,
        value: latency.decisionLatencyMs[q],
        setup: `${latencySetup.rate}; ${latencySetup.timedByOffer} offers + ${latencySetup.timedBySuppression} suppressions timed; offer write − touchpoint write; p50 per stage ${latencySetup.p50PerStageMs}`,
      })),
      {
        figure: "embedded touchpoints/s",
        value: embedded.touchpointsPerSecond,
        setup: `${embedded.setup.touchpoints} touchpoints, same workload and finish line, in ${embedded.setup.seconds} s (steady ${embedded.setup.steadyTouchpointsPerSecond}/s); the same services over the in-memory transport (npm start's)`,
      },
      {
        figure: "gateway events/s",
        value: gateway.gatewayEventsPerSecond,
        setup: `${gateway.setup.events} store receipts over HTTP, batches of ${gateway.setup.batchSize}, ${gateway.setup.concurrentClients} clients, acks=all`,
      },
      {
        figure: "enrichment in-process touchpoints/s",
        value: inProcess.touchpointsPerSecond,
        setup: `${inProcess.setup.touchpoints} touchpoints, ${inProcess.setup.customers} customers, BG/NBD + Gamma-Gamma per touchpoint`,
      },
      {
        figure: "enrichment via Kafka touchpoints/s",
        value: throughKafka.touchpointsPerSecond,
        setup: `${throughKafka.setup.touchpoints} touchpoints, ${throughKafka.setup.partitions} partitions, both stages in one process, start-up included`,
      },
      {
        figure: "profile bytes/customer",
        value: memory.profileBytesPerCustomer,
        setup: `${memory.setup.customers} customers (${memory.setup.touchpoints} touchpoints), enricher heap after GC`,
      },
      {
        figure: "sink rows/s",
        value: sink.sinkRowsPerSecond,
        setup: `${sink.setup.rows} touchpoint rows from ${sink.setup.partitions} partitions into the embedded engine, start-up included`,
      },
      {
        figure: "webhook deliveries/s",
        value: webhooks.webhookDeliveriesPerSecond,
        setup: `${webhooks.setup.offers} offers, ${webhooks.setup.partitions} partitions, ${webhooks.setup.concurrencyPerPartition} attempts in flight per partition, signed, to a local receiver; start-up included`,
      },
      {
        figure: "simulation: engine / random accepted value",
        value: simulation.figures.engineOverRandomAcceptedValue,
        setup: `cx simulate --seed 1 --customers ${simulation.setup.customers} --days ${simulation.setup.days} (${simulation.setup.seconds} s); docs/offers-proof.md`,
      },
      {
        figure: "simulation: engine incremental value",
        value: simulation.figures.engineIncrementalValue,
        setup:
          "net value (purchases − offer costs, major units) minus the `none` policy's over the same customers",
      },
      {
        figure: "simulation: engine / broadcast contacts",
        value: simulation.figures.engineContactsShareOfBroadcast,
        setup: "marketing messages per customer, engine over broadcast",
      },
      {
        figure: "clv fit seconds",
        value: clvFit.clvFitSeconds,
        setup: `${clvFit.setup.command}, whole process: ${clvFit.setup.customers} customers, ${clvFit.setup.purchases} purchases (${clvFit.setup.fileMegabytes} MB, seeded CDNOW-style log), BG/NBD + Gamma-Gamma`,
      },
      ...Object.entries(queries.queryP95Ms).map(([name, ms]) => ({
        figure: `query p95 ms: ${name}`,
        value: ms,
        setup: `${queries.setup.touchpoints} touchpoints, ${queries.setup.customers} customers, ${queries.setup.runsPerQuery} runs, embedded engine`,
      })),
    ]),
  );
  console.log(`(${report.benchSeconds} s) written to ${values.out}`);
} finally {
  await servers.stop();
}
