import type { Command } from "commander";
import type { ReplayOptions } from "./replay";

/** `cx replay`: a topic range or a file goes through the pipeline again. */
export function addReplayCommand(program: Command): void {
  program
    .command("replay")
    .description(
      "send a range of a topic's records (e.g. cx.touchpoints, or cx.dead-letters after a fix) or a JSON-lines file " +
        "of canonical touchpoints into the touchpoints topic again, with progress. The sink writes each event once, " +
        "so replaying what ClickHouse already holds adds nothing. Uses KAFKA_BROKERS, SCHEMA_REGISTRY_URL, TOUCHPOINTS_TOPIC.",
    )
    .option("--topic <name>", "the topic to replay from")
    .option("--partition <n>", "only this partition (default: all)")
    .option("--from-offset <n>", "first offset (default 0)", "0")
    .option("--to-offset <n>", "last offset, inclusive (default: the end when the replay starts)")
    .option("--file <path>", "a JSON-lines file of canonical touchpoints instead of a topic")
    .action(async (options: ReplayOptions) => {
      await (await import("./replay")).runReplay(options);
    });
}
