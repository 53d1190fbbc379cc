import { userInfo } from "node:os";
import type { Command } from "commander";

/** `cx identity undo-merge MERGE_ID`: splits two customers merged by mistake. */
export function addIdentityCommands(identity: Command): void {
  identity
    .command("undo-merge")
    .description(
      "split a merge of two customers (its id is on the customers_merged event in the identity-events topic); " +
        "the two are never merged again automatically. Uses KAFKA_BROKERS, SCHEMA_REGISTRY_URL, IDENTITY_COMMANDS_TOPIC.",
    )
    .argument("<merge-id>", "e.g. merge_2ceb4a0e4feef49b")
    .option("--by <name>", "who asks, for the audit trail", userInfo().username)
    .action(async (mergeId: string, options: { by: string }) => {
      await (await import("./undo-merge")).runUndoMerge(mergeId, options);
    });
}
