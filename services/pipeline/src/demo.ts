import type { ClickHouse } from "@cx/clickhouse";
import type { Touchpoint } from "@cx/contracts";
import type { SchemaRegistryClient, Transport } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { createWorkload } from "@cx/workload";
import { createTouchpointPublisher, type OfferAnswerer, startOfferAnswerer } from "@cx/workload-publisher";
import type { PipelineEnv } from "./config";
import type { Progress } from "./progress";
import { startPipelineStages } from "./stages";
import type { PipelineTransport } from "./transport";

const dayMs = 24 * 60 * 60 * 1000;

export interface DemoOptions {
  readonly customers: number;
  readonly days: number;
  readonly seed: number;
  readonly answerOffers: boolean;
  /** The simulated period ends here (the start of today, UTC, by default). */
  readonly endAt: number;
}

export interface DemoRun {
  readonly touchpoints: number;
  readonly answers: number;
  readonly seconds: number;
}

export interface DemoDeps {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly clickhouse: ClickHouse;
  readonly logger: Logger;
  readonly env: PipelineEnv;
  /** Resolves once these groups have handled everything on their topics (see PipelineTransport). */
  readonly settled: PipelineTransport["settled"];
}

/**
 * Plays the workload through the pipeline a simulated day at a time: the day's touchpoints go in,
 * the stages decide, the customers answer the offers whose time has come, follow-ups and expiries
 * due by the end of the day fire, and the next day starts. The simulated clock lets months pass in
 * seconds while answers still arrive in the order customers give them.
 */
export async function runDemo(deps: DemoDeps, options: DemoOptions, progress: (days: number) => Progress) {
  const { kafka, registry, env, logger } = deps;
  const startAt = options.endAt - options.days * dayMs;
  const workload = createWorkload({ ...options, startAt });
  const stages = await startPipelineStages(deps);
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  let clock = startAt;
  const answersGroup = `${env.SINK_GROUP_ID}-demo-answers`;
  let answerer: OfferAnswerer | undefined;
  const bar = progress(options.days);
  const started = performance.now();
  let sent = 0;
  try {
    if (options.answerOffers)
      answerer = await startOfferAnswerer({
        kafka,
        registry,
        offersTopic: env.OFFERS_TOPIC,
        groupId: answersGroup,
        workload,
        publisher,
        logger,
        now: () => clock,
      });
    const deciding = [
      ...stages.decidingGroups,
      ...(answerer ? [{ groupId: answersGroup, topic: env.OFFERS_TOPIC }] : []),
    ];
    const stream = workload.touchpoints()[Symbol.iterator]();
    let next = stream.next();
    for (let dayEnd = startAt + dayMs; !next.done || dayEnd <= options.endAt; dayEnd += dayMs) {
      const day: Touchpoint[] = [];
      while (!next.done && next.value.occurredAt < dayEnd) {
        day.push(next.value);
        next = stream.next();
      }
      sent += await publisher.publish(day);
      await deps.settled(deciding, { quietPolls: 1, pollMs: 20 });
      clock = dayEnd;
      await answerer?.flush();
      await stages.tick(clock);
      bar.update(
        Math.round((dayEnd - startAt) / dayMs),
        sent,
        new Date(dayEnd - 1).toISOString().slice(0, 10),
      );
      if (next.done && dayEnd >= options.endAt) break;
    }
    await deps.settled([...stages.groups, ...deciding]);
  } finally {
    bar.stop();
    await answerer?.stop();
    await publisher.close();
    await stages.stop();
  }
  const counts = answerer?.counts();
  return {
    touchpoints: sent,
    answers: counts?.answers ?? 0,
    seconds: (performance.now() - started) / 1000,
  } satisfies DemoRun;
}
