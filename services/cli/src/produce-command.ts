import type { Command } from "commander";
import type { ProduceOptions } from "./produce";

/** `cx produce`: generated or file touchpoints into Kafka, or native events from a file to the gateway. */
export function addProduceCommand(program: Command): void {
  program
    .command("produce")
    .description(
      "send touchpoints into the pipeline: the generated workload (default) or a JSON-lines file of canonical " +
        "touchpoints to Kafka (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, TOUCHPOINTS_TOPIC), or with --gateway a JSON-lines " +
        "file of a channel's native events to the ingest gateway",
    )
    .option("--file <path>", "JSON lines: canonical touchpoints, or native events with --gateway")
    .option("--customers <n>", "generated workload: customers at the start", "500")
    .option("--days <n>", "generated workload: days, ending today", "90")
    .option("--seed <n>", "generated workload: seed", "42")
    .option("--gateway <url>", "post to this gateway (e.g. http://127.0.0.1:8080) instead of Kafka")
    .option("--channel <name>", "with --gateway: store, phone, web or social")
    .option("--api-key <key>", "with --gateway: the channel system's API key (default $CX_API_KEY)")
    .option("--batch <n>", "with --gateway: events per request", "500")
    .action(async (options: ProduceOptions) => {
      await (await import("./produce")).runProduce(options);
    });
}
