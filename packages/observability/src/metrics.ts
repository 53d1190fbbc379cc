import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { readiness as processReadiness, type Readiness } from "./readiness";
import { withTimeout } from "./with-timeout";

/** Consumer lag of the partitions one consumer owns, read when Prometheus scrapes. */
export type LagSource = () => Promise<readonly { topic: string; partition: number; lag: number }[]>;

const secondsBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A scrape waits at most this long for the broker to tell the lag; a slow source is left out. */
const lagTimeoutMs = 5_000;

/**
 * The pipeline's Prometheus metrics, all named `cx_…`. Labels are stages, topics, partitions,
 * tables, offers, channels and reason categories: bounded sets, never a customer or an event.
 */
export class PipelineMetrics {
  readonly registry: Registry;
  readonly recordsConsumed: Counter<"stage" | "topic">;
  readonly batchDuration: Histogram<"stage" | "topic">;
  readonly batchRetries: Counter<"stage" | "topic">;
  readonly consumerLag: Gauge<"stage" | "topic" | "partition">;
  readonly lagFailures: Counter<"stage">;
  readonly deadLetters: Counter<"stage" | "reason">;
  readonly offerDecisions: Counter<"offer" | "channel">;
  readonly offerSuppressions: Counter<"reason" | "channel">;
  readonly clickhouseInsertDuration: Histogram<"table" | "outcome">;
  readonly gatewayEvents: Counter<"channel" | "outcome">;
  readonly ready: Gauge;
  private readonly lagSources = new Set<{ stage: string; source: LagSource }>();

  constructor(registry: Registry = new Registry(), readiness: Readiness = processReadiness) {
    this.registry = registry;
    const registers = [registry];
    collectDefaultMetrics({ register: registry, prefix: "cx_" });
    this.recordsConsumed = new Counter({
      name: "cx_records_consumed_total",
      help: "Records a stage has handled and committed (dead letters included), per input topic",
      labelNames: ["stage", "topic"],
      registers,
    });
    this.batchDuration = new Histogram({
      name: "cx_batch_duration_seconds",
      help: "Time from receiving a batch to committing it (decode, dead letters, handling, retries)",
      labelNames: ["stage", "topic"],
      buckets: secondsBuckets,
      registers,
    });
    this.batchRetries = new Counter({
      name: "cx_batch_retries_total",
      help: "Failed attempts at handling a batch, each retried with backoff",
      labelNames: ["stage", "topic"],
      registers,
    });
    const sources = this.lagSources;
    const lagFailures = new Counter({
      name: "cx_consumer_lag_refresh_failures_total",
      help: "Scrapes at which a stage's consumer lag could not be read from the broker",
      labelNames: ["stage"],
      registers,
    });
    this.lagFailures = lagFailures;
    this.consumerLag = new Gauge({
      name: "cx_consumer_lag",
      help: "Records on a partition this instance owns that its group has not committed yet (read at scrape)",
      labelNames: ["stage", "topic", "partition"],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          [...sources].map(async ({ stage, source }) => {
            try {
              for (const { topic, partition, lag } of await withTimeout(
                source(),
                lagTimeoutMs,
                "reading the lag",
              ))
                this.set({ stage, topic, partition: String(partition) }, lag);
            } catch {
              lagFailures.inc({ stage });
            }
          }),
        );
      },
    });
    this.deadLetters = new Counter({
      name: "cx_dead_letters_total",
      help: "Records written to the dead-letter topic, per stage and reason category",
      labelNames: ["stage", "reason"],
      registers,
    });
    this.offerDecisions = new Counter({
      name: "cx_offer_decisions_total",
      help: "Next-best-offer decisions published, per offer and channel (none = no offer made)",
      labelNames: ["offer", "channel"],
      registers,
    });
    this.offerSuppressions = new Counter({
      name: "cx_offer_suppressions_total",
      help: "Offers the contact policy held back, per reason and channel",
      labelNames: ["reason", "channel"],
      registers,
    });
    this.clickhouseInsertDuration = new Histogram({
      name: "cx_clickhouse_insert_duration_seconds",
      help: "Duration of inserts into ClickHouse, per table and outcome (ok, error)",
      labelNames: ["table", "outcome"],
      buckets: secondsBuckets,
      registers,
    });
    this.gatewayEvents = new Counter({
      name: "cx_gateway_events_total",
      help: "Events posted to the gateway, per channel and outcome (accepted, rejected)",
      labelNames: ["channel", "outcome"],
      registers,
    });
    // Prometheus cannot read /health/ready's JSON; this says the same at every scrape, for alerts.
    this.ready = new Gauge({
      name: "cx_ready",
      help: "1 when /health/ready answers 200 (every consumer joined and progressing, every producer connected), else 0",
      registers,
      collect() {
        this.set(readiness.status().ready ? 1 : 0);
      },
    });
  }

  /** Reports a consumer's lag at every scrape until the returned function is called. */
  addLagSource(stage: string, source: LagSource): () => void {
    const entry = { stage, source };
    this.lagSources.add(entry);
    return () => {
      this.lagSources.delete(entry);
    };
  }

  /** Times one ClickHouse insert; `table` may be qualified (`db.table`), the label is the table. */
  observeClickHouseInsert(seconds: number, table: string, outcome: "ok" | "error" = "ok"): void {
    const name = table.slice(table.lastIndexOf(".") + 1);
    this.clickhouseInsertDuration.observe({ table: name, outcome }, seconds);
  }
}

/** The process's metrics: every stage in the process records into these, /metrics serves them. */
export const metrics = new PipelineMetrics();

/** See {@link PipelineMetrics.observeClickHouseInsert}. */
export const observeClickHouseInsert = (seconds: number, table: string, outcome?: "ok" | "error") =>
  metrics.observeClickHouseInsert(seconds, table, outcome);
