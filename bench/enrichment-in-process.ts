import { CustomerEnricher } from "@cx/enrichment";
import { streamPeopleTouchpoints } from "@cx/workload";

/** CDNOW fit (Fader, Hardie & Lee 2005): realistic model cost per prediction. */
export const benchModels = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
};

export interface InProcessEnrichment {
  readonly touchpointsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * Identity, profile, value (BG/NBD + Gamma-Gamma per touchpoint) and lifecycle in one thread, no
 * transport: the ceiling the Kafka stages are measured against. Touchpoints are generated first so
 * the generator's time is not counted.
 */
export function measureInProcessEnrichment({ people, touchpoints }: { people: number; touchpoints: number }) {
  const stream = [
    ...streamPeopleTouchpoints({
      people,
      touchpoints,
      days: 365,
      seed: 5,
      startAt: Date.now() - 366 * 86_400_000,
    }),
  ];
  const enricher = new CustomerEnricher({ models: benchModels });
  const started = performance.now();
  for (const touchpoint of stream) enricher.process(touchpoint);
  const seconds = (performance.now() - started) / 1000;
  return {
    touchpointsPerSecond: Math.round(stream.length / seconds),
    setup: {
      touchpoints: stream.length,
      people,
      customers: enricher.customers,
      seconds: Number(seconds.toFixed(1)),
      models: "BG/NBD + Gamma-Gamma (CDNOW fit), 52-week horizon",
    },
  } satisfies InProcessEnrichment;
}
