import { setTimeout as sleep } from "node:timers/promises";
import { benchTouchpoints, type RunningBenchPipeline, type WorkloadSize } from "./bench-pipeline";

export interface E2eThroughput {
  readonly touchpointsPerSecond: number;
  /** The rate between 10 % and 90 % of the enriched rows (start-up and tail left out). */
  readonly steadyTouchpointsPerSecond: number;
  readonly records: number;
  readonly averageMessageBytes: number;
  /** Enriched rows in ClickHouse by seconds since the services started. */
  readonly timeline: readonly { seconds: number; rows: number }[];
  readonly setup: Record<string, number | string>;
}

/**
 * The whole pipeline in this process against the real broker, registry and embedded ClickHouse:
 * the workload's touchpoints are written to the touchpoint topic first, then the clock runs from
 * the services' start (group joins and empty state restores included) until ClickHouse holds one
 * enriched row per touchpoint and every consumer group (enricher stages, offers, sink on all seven
 * topics) has committed everything: touchpoints, decisions, profiles and stage changes are all rows.
 */
export async function measureE2eThroughput(
  pipeline: RunningBenchPipeline,
  size: WorkloadSize,
  { pollMs = 500 }: { pollMs?: number } = {},
): Promise<E2eThroughput> {
  const produceStarted = performance.now();
  const { records, bytes } = await pipeline.publish(benchTouchpoints(size));
  const produceSeconds = (performance.now() - produceStarted) / 1000;
  const started = performance.now();
  await pipeline.startServices();
  const servicesUpSeconds = (performance.now() - started) / 1000;
  // The finish line is read from the broker (every group's lag) and only then from ClickHouse:
  // counting rows every poll would take the embedded engine from the sink (it runs one statement
  // at a time). Rows are counted every few polls for the timeline.
  const samples: { at: number; rows: number }[] = [];
  let finished = 0;
  for (let poll = 0; ; poll++) {
    const lag = await pipeline.lag();
    if (lag === 0 || poll % 4 === 3) {
      const rows = await pipeline.rows("enriched_touchpoints");
      samples.push({ at: performance.now(), rows });
      if (lag === 0 && rows >= records) {
        finished = performance.now();
        break;
      }
    }
    await sleep(pollMs);
  }
  const seconds = (finished - started) / 1000;
  const at = (share: number) =>
    samples.find((sample) => sample.rows >= share * records) as (typeof samples)[0];
  const [low, high] = [at(0.1), at(0.9)];
  const steady =
    high.at > low.at
      ? ((high.rows - low.rows) / (high.at - low.at)) * 1000
      : records / ((finished - started) / 1000);
  const [offers, suppressed, profiles, stageChanges] = await Promise.all(
    ["offers", "suppressed_decisions", "customer_profiles", "lifecycle_stage_changes"].map((table) =>
      pipeline.rows(table),
    ),
  );
  return {
    touchpointsPerSecond: Math.round(records / seconds),
    steadyTouchpointsPerSecond: Math.round(steady),
    records,
    averageMessageBytes: Math.round(bytes / records),
    timeline: samples.map((sample) => ({
      seconds: Number(((sample.at - started) / 1000).toFixed(1)),
      rows: sample.rows,
    })),
    setup: {
      touchpoints: records,
      workload: `createWorkload: ${size.customers} starting customers, ${size.days} days, seed ${size.seed} (erasure requests left out)`,
      seconds: Number(seconds.toFixed(1)),
      steadyTouchpointsPerSecond: Math.round(steady),
      servicesStartSeconds: Number(servicesUpSeconds.toFixed(1)),
      partitions: pipeline.partitions,
      averageMessageBytes: Math.round(bytes / records),
      messageFormat: "touchpoint, Avro (Confluent wire format), key = strongest identifier",
      preProducedIn: `${produceSeconds.toFixed(1)} s (not counted)`,
      batches:
        "kafkajs defaults (fetch up to 1 MB per partition), one partition at a time per consumer; transactions per batch (identity, offers)",
      path: "touchpoints → identity (transactional) → profile → offers (transactional) → sink → embedded ClickHouse (chDB, on disk)",
      rowsWritten: `enriched ${records}, profiles ${profiles}, stage changes ${stageChanges}, offers ${offers}, suppressed ${suppressed}`,
      // Every topic, changelogs and dead letters included; reads include state restores.
      kafkaRecordsWrittenPerTouchpoint: Number((pipeline.recordCounts.written / records).toFixed(2)),
      kafkaRecordsReadPerTouchpoint: Number((pipeline.recordCounts.read / records).toFixed(2)),
      offerSettings: "follow-up tick off (replay), quiet hours off",
    },
  };
}
