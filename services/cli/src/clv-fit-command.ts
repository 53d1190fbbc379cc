import type { Command } from "commander";

/** `cx clv fit`, added with .command() so it inherits the program's exit handling. */
export function addClvFitCommand(clv: Command): void {
  clv
    .command("fit")
    .description(
      "fit BG/NBD and Gamma-Gamma to a CSV of purchases (header customer_id,occurred_at,amount); prints the parameters as JSON",
    )
    .requiredOption("--input <file>", "CSV file, one row per purchase")
    .requiredOption("--calibration-end <date>", "last day (YYYY-MM-DD) of the history the models learn from")
    .action(async (options: { input: string; calibrationEnd: string }) => {
      (await import("./clv-fit")).runClvFit(options);
    });
}
