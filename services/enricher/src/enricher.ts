import type { ProfileOptions } from "@cx/enrichment";
import { type Starting, StopStack } from "@cx/runtime";
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
  const stop = (stage: RunningStage) => stage.stop();
  const stages: Starting<RunningStage>[] = [];
  if (deps.env.ENRICHER_STAGES.includes("identity"))
    stages.push({ name: "identity stage", start: () => startIdentityStage(deps), stop });
  if (deps.env.ENRICHER_STAGES.includes("profile"))
    stages.push({
      name: "profile stage",
      start: () => startProfileStage(deps, profileOptions(deps.env)),
      stop,
    });
  return StopStack.starting(async (stack) => {
    // At once: each stage's wait for its consumer group overlaps the other's.
    await stack.addAll(...stages);
    return { stop: () => stack.stopAll() };
  });
}
