import { loadConfig } from "@cx/config";
import { simulate } from "@cx/offer-simulation";
import { offerSettings, offersEnvSchema } from "@cx/offers-service";

/**
 * `cx simulate` as the bench runs it: the engine as configured (this environment's OFFERS_*
 * variables) against the baselines, over one seed. No servers: it is pure computation.
 */
export function measureOfferSimulation({ customers, days }: { customers: number; days: number }) {
  const env = loadConfig(offersEnvSchema);
  const settings = offerSettings(env);
  const started = performance.now();
  const report = simulate({
    seed: 1,
    customers,
    days,
    catalog: env.OFFERS_CATALOG_FILE,
    engine: settings.engine,
    learner: settings.learner,
  });
  const { engine, random, broadcast } = report;
  return {
    offerSimulation: report,
    figures: {
      engineOverRandomAcceptedValue: Number((engine.acceptedValue / random.acceptedValue).toFixed(3)),
      engineIncrementalValue: engine.incrementalValue,
      engineContactsShareOfBroadcast: Number(
        (engine.contactsPerCustomer / broadcast.contactsPerCustomer).toFixed(3),
      ),
    },
    setup: { seed: 1, customers, days, seconds: Math.round((performance.now() - started) / 1000) },
  };
}
