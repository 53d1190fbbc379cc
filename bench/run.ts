import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { measureGatewayThroughput } from "./gateway-throughput";

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
  const gateway = await measureGatewayThroughput(servers, logger, { seconds: values.quick ? 10 : 30 });
  const report = {
    measuredAt: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    gatewayEventsPerSecond: gateway.gatewayEventsPerSecond,
    setups: { gateway: gateway.setup },
  };
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.table([{ figure: "gateway events/s", value: gateway.gatewayEventsPerSecond, ...gateway.setup }]);
  console.log(`written to ${values.out}`);
} finally {
  await servers.stop();
}
