import { z } from "zod";
import type { HoldoutSettings } from "./holdout";

/**
 * The holdout's variables, read by the offer service (which holds customers out of marketing) and
 * by the enricher (which marks their touchpoints and profiles for ClickHouse). One definition for
 * both, so they cannot validate or default differently; set the same values on every instance of
 * both, or the marked group is not the group the engine held out.
 */
export const holdoutEnvSchema = z.object({
  /** Share of customers in the universal holdout (service and care, no marketing), 0–100. */
  OFFERS_HOLDOUT_PERCENT: z.coerce.number().min(0).max(100).default(5),
  /**
   * Key of the hash that assigns customers to the holdout; the same on every instance (else the
   * groups differ between them). Changing it reshuffles the groups.
   */
  OFFERS_HOLDOUT_SALT: z.string().min(8, "must be at least 8 characters").default("cx-holdout-v1"),
});
export type HoldoutEnv = z.infer<typeof holdoutEnvSchema>;

export function holdoutSettings(env: HoldoutEnv): HoldoutSettings {
  return { percent: env.OFFERS_HOLDOUT_PERCENT, salt: env.OFFERS_HOLDOUT_SALT };
}
