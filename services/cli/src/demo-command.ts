import type { Command } from "commander";
import type { DemoOptions } from "./demo";

/** `cx demo`: what `npm start` runs, with the size and seed as options. */
export function addDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "run the whole pipeline in this process on a generated workload and print a summary (what `npm start` runs). " +
        "With no KAFKA_BROKERS/SCHEMA_REGISTRY_URL it uses the in-memory transport and replaces the last demo's data " +
        "in the embedded ClickHouse (CLICKHOUSE_DATA_DIR, default .data/clickhouse).",
    )
    .option("--customers <n>", "customers at the start (referrals add more)", process.env.PIPELINE_CUSTOMERS)
    .option("--days <n>", "days simulated, ending today", process.env.PIPELINE_DAYS)
    .option("--seed <n>", "same seed, same workload", process.env.PIPELINE_SEED)
    .option("--no-answers", "customers do not answer offers (no feedback loop)")
    .option("--summary-file <file>", "also write the summary as JSON to this file")
    .option("--report-file <file>", "where to write the HTML report (default .data/report.html)")
    .action(async (options: DemoOptions) => {
      await (await import("./demo")).runDemo(options);
    });
}
