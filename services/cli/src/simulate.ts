import { simulate } from "@cx/offer-simulation";
import { offerSettings, offersEnvSchema } from "@cx/offers-service";
import { commandEnv } from "./command-env";
import { UsageError } from "./usage-error";

function wholeNumber(name: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new UsageError(`--${name} ${JSON.stringify(raw)} must be a whole number from 1 to ${max}`);
  return Number(raw);
}

/** What `cx simulate` does: one JSON object of the engine beside the baselines. */
export function runSimulate(options: { seed: string; customers: string; days: string }): void {
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
}
