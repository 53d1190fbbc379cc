import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { measureInProcessEnrichment } from "./enrichment-in-process";
import { measureKafkaEnrichment } from "./enrichment-kafka";
import { measureGatewayThroughput } from "./gateway-throughput";
import { measureProfileMemory } from "./profile-memory";
import { measureQueryLatency } from "./query-latency";
import { measureSinkThroughput } from "./sink-throughput";

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
  const sink = await measureSinkThroughput(servers, logger, { touchpoints: quick ? 50_000 : 300_000 });
  const queries = await measureQueryLatency(logger, { touchpoints: quick ? 1_000_000 : 10_000_000 });
  const report = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    gatewayEventsPerSecond: gateway.gatewayEventsPerSecond,
    enrichmentInProcessTouchpointsPerSecond: inProcess.touchpointsPerSecond,
    enrichmentKafkaTouchpointsPerSecond: throughKafka.touchpointsPerSecond,
    profileBytesPerCustomer: memory.profileBytesPerCustomer,
    sinkRowsPerSecond: sink.sinkRowsPerSecond,
    queryP95Ms: queries.queryP95Ms,
    setups: {
      gateway: gateway.setup,
      enrichmentInProcess: inProcess.setup,
      enrichmentKafka: throughKafka.setup,
      profileMemory: memory.setup,
      sink: sink.setup,
      queries: queries.setup,
    },
  };
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.table([
    { figure: "gateway events/s", value: gateway.gatewayEventsPerSecond, ...gateway.setup },
    {
      figure: "enrichment in-process touchpoints/s",
      value: inProcess.touchpointsPerSecond,
      ...inProcess.setup,
    },
    {
      figure: "enrichment via Kafka touchpoints/s",
      value: throughKafka.touchpointsPerSecond,
      ...throughKafka.setup,
    },
    { figure: "profile bytes/customer", value: memory.profileBytesPerCustomer, ...memory.setup },
    { figure: "sink rows/s (embedded engine)", value: sink.sinkRowsPerSecond, ...sink.setup },
    ...Object.entries(queries.queryP95Ms).map(([name, ms]) => ({
      figure: `query p95 ms: ${name}`,
      value: ms,
      ...queries.setup,
    })),
  ]);
  console.log(`written to ${values.out}`);
} finally {
  await servers.stop();
}
