import { simulate } from "@cx/offer-simulation";
import { offerSettings, offersEnvSchema } from "@cx/offers-service";
import type { Command } from "commander";
import { commandEnv } from "./command-env";
import { UsageError } from "./usage-error";

function wholeNumber(name: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

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
    .action((options: { seed: string; customers: string; days: string }) => {
      const env = commandEnv(offersEnvSchema);
      const settings = offerSettings(env);
      const report = simulate({
        seed: wholeNumber("seed", options.seed, 2 ** 31),
        customers: wholeNumber("customers", options.customers, 200_000),
        days: wholeNumber("days", options.days, 730),
        catalog: env.OFFERS_CATALOG_FILE,
        engine: settings.engine,
        learner: settings.learner,
      });
      console.log(JSON.stringify(report));
    });
}
