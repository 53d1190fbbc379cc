import type { ClickHouse } from "@cx/clickhouse";
import { startEnricher } from "@cx/enricher";
import type { GroupTopic, SchemaRegistryClient, Transport } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { startOffersService } from "@cx/offers-service";
import { StopStack } from "@cx/runtime";
import { startSink } from "@cx/sink";
import type { PipelineEnv } from "./config";

export interface PipelineStages {
  /** Runs due follow-ups and expiries as of `now` (the demo's simulated clock). */
  tick(now: number): Promise<void>;
  /** Every consumer group with the topics it reads: all caught up = the pipeline is idle. */
  readonly groups: readonly GroupTopic[];
  /** The groups up to the offer decisions (not the sink). */
  readonly decidingGroups: readonly GroupTopic[];
  stop(): Promise<void>;
}

/**
 * Every consumer group of the pipeline with every topic it reads: those up to the offer decisions,
 * the sink's, and the webhook dispatcher's (a service of its own, not among the in-process stages).
 * All caught up = the pipeline has done everything it was given.
 */
export function pipelineConsumerGroups(env: PipelineEnv): {
  deciding: GroupTopic[];
  sink: GroupTopic[];
  delivering: GroupTopic[];
} {
  return {
    delivering: [{ groupId: env.DISPATCHER_GROUP_ID, topic: env.OFFERS_TOPIC }],
    deciding: [
      { groupId: env.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
      { groupId: env.ENRICHER_IDENTITY_GROUP_ID, topic: env.IDENTITY_COMMANDS_TOPIC },
      { groupId: env.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
      { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
      { groupId: env.OFFERS_GROUP_ID, topic: env.OFFER_RESPONSES_TOPIC },
    ],
    sink: [
      env.TOUCHPOINTS_TOPIC,
      env.ENRICHED_TOPIC,
      env.STAGE_CHANGES_TOPIC,
      env.PROFILES_TOPIC,
      env.OFFERS_TOPIC,
      env.SUPPRESSED_TOPIC,
      env.OFFER_OUTCOMES_TOPIC,
      env.OFFER_DELIVERIES_TOPIC,
    ].map((topic) => ({ groupId: env.SINK_GROUP_ID, topic })),
  };
}

/**
 * Identity, profiles, offers and the sink in this process: the services' own start functions, so
 * the embedded mode and the services run the same code over whatever transport `kafka` is.
 */
export async function startPipelineStages(deps: {
  kafka: Transport;
  registry: SchemaRegistryClient;
  clickhouse: ClickHouse;
  logger: Logger;
  env: PipelineEnv;
}): Promise<PipelineStages> {
  const { env, logger } = deps;
  const { deciding, sink: sinkGroups } = pipelineConsumerGroups(env);
  // Started at once (each waits for its consumer groups to form); stopped in the reverse order of
  // this list: the sink last, so it can take in what the others wrote.
  return StopStack.starting(async (stack) => {
    const stop = <S extends { stop(): Promise<void> }>(stage: S) => stage.stop();
    const [, offers] = await stack.addAll(
      { name: "sink", start: () => startSink({ ...deps, logger: logger.child({ stage: "sink" }) }), stop },
      {
        name: "offers",
        start: () => startOffersService({ ...deps, logger: logger.child({ stage: "offers" }) }),
        stop,
      },
      {
        name: "enricher",
        start: () => startEnricher({ ...deps, logger: logger.child({ stage: "enricher" }) }),
        stop,
      },
    );
    return {
      tick: (now) => offers.tick(now),
      groups: [...deciding, ...sinkGroups],
      decidingGroups: deciding,
      stop: () => stack.stopAll(),
    };
  });
}
