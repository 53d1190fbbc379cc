import { parseArgs } from "node:util";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { createBenchPipeline, workloadFor } from "./bench-pipeline";
import { measureDecisionLatency } from "./decision-latency";
import { measureE2eThroughput } from "./e2e-throughput";

/**
 * `npx tsx bench/latency-only.ts [--touchpoints N] [--seconds S]`: only `e2eTouchpointsPerSecond`
 * and `decisionLatencyMs`, measured as `npm run bench` measures them (the end-to-end run first, then
 * 200 purchases/s with the services running), on a smaller run; one JSON line each. For comparing
 * changes to the decision path in interleaved runs without the quarter hour the whole bench takes.
 */
const { values } = parseArgs({
  options: {
    touchpoints: { type: "string", default: "20000" },
    seconds: { type: "string", default: "15" },
  },
});
const logger = createLogger("bench", process.env.LOG_LEVEL ?? "warn");
const servers = await acquireServers(process.env, logger);
try {
  const pipeline = await createBenchPipeline(servers, logger, { partitions: 6 });
  try {
    const e2e = await measureE2eThroughput(pipeline, workloadFor(Number(values.touchpoints)));
    console.log(JSON.stringify({ e2eTouchpointsPerSecond: e2e.touchpointsPerSecond, setup: e2e.setup }));
    const latency = await measureDecisionLatency(pipeline, logger, {
      perSecond: 200,
      seconds: Number(values.seconds),
    });
    console.log(JSON.stringify({ decisionLatencyMs: latency.decisionLatencyMs, setup: latency.setup }));
  } finally {
    await pipeline.stop();
  }
} finally {
  await servers.stop();
}
