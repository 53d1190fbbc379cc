import { writeFileSync } from "node:fs";
import { createClickHouse, describeClickHouse, migrate } from "@cx/clickhouse";
import { loadConfig } from "@cx/config";
import { writeReport } from "@cx/report";
import { runService } from "@cx/runtime";
import { startOfTodayUtc } from "@cx/workload";
import { pipelineEnvSchema } from "./config";
import { runDemo } from "./demo";
import { createProgress } from "./progress";
import { deadLettersByReason, pipelineSummary, printSummary } from "./summary";
import { openTransport } from "./transport";

/**
 * The whole pipeline in this process on the demo workload, then the summary: what `npm start` and
 * `cx demo` run. `overrides` stand before the environment (the command line's options).
 */
export async function runPipeline(overrides: Record<string, string> = {}): Promise<void> {
  const variables = { ...process.env, ...overrides };
  // The demo talks to a person: per-batch info lines would bury the progress bar and the summary.
  process.env.LOG_LEVEL ??= "warn";
  await runService("pipeline", async (logger) => {
    const env = loadConfig(pipelineEnvSchema, variables); // a bad value stops here, before anything starts
    const transport = openTransport(variables, env, logger);
    const clickhouse = createClickHouse(env);
    if (transport.embedded && !env.CLICKHOUSE_URL) {
      // The embedded transport starts empty each run, so the run's data replaces the last run's, in
      // the embedded engine's own folder only (openTransport refuses CLICKHOUSE_URL without a broker).
      await clickhouse.client.command({ query: `DROP DATABASE IF EXISTS ${clickhouse.database}` });
    }
    await migrate(clickhouse, logger);
    const where = describeClickHouse(env); // the server's origin, never its credentials

    const run = async () => {
      console.log(
        `Simulating ${env.PIPELINE_CUSTOMERS} customers over ${env.PIPELINE_DAYS} days (seed ${env.PIPELINE_SEED}) through ${transport.describe}`,
      );
      const demo = await runDemo(
        {
          kafka: transport.kafka,
          registry: transport.registry,
          settled: transport.settled,
          clickhouse,
          logger,
          env,
        },
        {
          customers: env.PIPELINE_CUSTOMERS,
          days: env.PIPELINE_DAYS,
          seed: env.PIPELINE_SEED,
          answerOffers: env.PIPELINE_ANSWER_OFFERS,
          endAt: startOfTodayUtc(),
        },
        (days) => createProgress(days, "days"),
      );
      console.log(
        `${demo.touchpoints} touchpoints and ${demo.answers} offer answers in ${demo.seconds.toFixed(1)} s (${Math.round(demo.touchpoints / demo.seconds)} touchpoints/s)`,
      );
      const summary = await pipelineSummary(
        clickhouse,
        await deadLettersByReason(transport.kafka, env.DEAD_LETTER_TOPIC, logger),
      );
      printSummary(summary, where);
      if (env.PIPELINE_SUMMARY_FILE)
        writeFileSync(env.PIPELINE_SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
      const report = await writeReport(clickhouse, {
        out: env.PIPELINE_REPORT_FILE,
        source: where,
      });
      console.log(
        `\nReport: ${report} (open it in a browser; \`npx cx report --out FILE.html --from DAY --to DAY\` for another period)`,
      );
    };

    return {
      done: run(),
      stop: () => clickhouse.close(),
    };
  });
}
