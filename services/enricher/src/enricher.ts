import type { ProfileOptions } from "@cx/enrichment";
import { ensurePipelineTopics } from "@cx/kafka";
import type { EnricherEnv } from "./config";
import { type RunningStage, type StageDeps, startIdentityStage } from "./identity-stage";
import { startProfileStage } from "./profile-stage";

/** Value and lifecycle settings from the configuration. */
export function profileOptions(env: EnricherEnv): ProfileOptions {
  const models = env.ENRICHER_MODEL_FILE;
  return models
    ? {
        models: {
          ...models,
          valuation: {
            horizonWeeks: env.CLV_HORIZON_WEEKS,
            yearlyDiscountRate: env.CLV_YEARLY_DISCOUNT_RATE,
          },
        },
      }
    : {};
}

/** Starts the stages the configuration names, in one process. */
export async function startEnricher(deps: StageDeps): Promise<RunningStage> {
  await ensurePipelineTopics(deps.kafka, deps.env);
  const stages: RunningStage[] = [];
  if (deps.env.ENRICHER_STAGES.includes("identity")) stages.push(await startIdentityStage(deps));
  if (deps.env.ENRICHER_STAGES.includes("profile"))
    stages.push(await startProfileStage(deps, profileOptions(deps.env)));
  return {
    async stop() {
      for (const stage of stages) await stage.stop();
    },
  };
}
