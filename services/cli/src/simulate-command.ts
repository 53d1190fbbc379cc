import type { Command } from "commander";

/** `cx simulate`: the offer engine as configured against random, broadcast and no marketing. */
export function addSimulateCommand(program: Command): void {
  program
    .command("simulate")
    .description(
      "run the offer engine as configured (OFFERS_* variables, catalog, learner) against simulated customers whose " +
        "true responses are known, beside three baselines over the same population (random, broadcast, none); " +
        "prints one JSON object (docs/offers-proof.md explains every figure)",
    )
    .option("--seed <n>", "same seed, same output byte for byte", "1")
    .option("--customers <n>", "simulated customers", "2000")
    .option("--days <n>", "days of offers (after 120 days of history)", "84")
    .action(async (options: { seed: string; customers: string; days: string }) => {
      (await import("./simulate")).runSimulate(options);
    });
}
