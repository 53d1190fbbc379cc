import type { Command } from "commander";

/** `cx topics [--check]`: creates the pipeline's topics where missing, then shows each against its spec. */
export function addTopicsCommand(program: Command): void {
  program
    .command("topics")
    .description(
      "create the pipeline's topics where they are missing (partitions from KAFKA_PARTITIONS, compaction for " +
        "changelogs and latest-value topics) and show each against its spec, with its key and co-partition " +
        "group from the topic registry; exit 1 if one differs. " +
        "Uses KAFKA_BROKERS, SCHEMA_REGISTRY_URL and the *_TOPIC variables.",
    )
    .option("--check", "only check, create nothing")
    .action(async (options: { check?: boolean }) => {
      await (await import("./topics")).runTopics(options);
    });
}
