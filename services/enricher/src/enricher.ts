import type { ProfileOptions } from "@cx/enrichment";
import { StopStack } from "@cx/runtime";
import { ensurePipelineTopics } from "@cx/topics";
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

/**
 * Starts the stages the configuration names, in one process; a stage that fails to start stops
 * those already started, and stopping stops every stage even when one fails to.
 */
export async function startEnricher(deps: StageDeps): Promise<RunningStage> {
  await ensurePipelineTopics(deps.kafka, deps.env);
  return StopStack.starting(async (stack) => {
    if (deps.env.ENRICHER_STAGES.includes("identity"))
      stack.add("identity stage", await startIdentityStage(deps), (stage) => stage.stop());
    if (deps.env.ENRICHER_STAGES.includes("profile"))
      stack.add("profile stage", await startProfileStage(deps, profileOptions(deps.env)), (stage) =>
        stage.stop(),
      );
    return { stop: () => stack.stopAll() };
  });
}
