import { dataSources, gridPosition } from "./panel-layout";

/** A panel of the operations dashboard: PromQL over the cx_ metrics of packages/observability. */
export interface OperationsPanel {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly targets: readonly { expr: string; legend: string }[];
}

const rate = (metric: string) => `rate(${metric}[$__rate_interval])`;

export const operationsPanels: readonly OperationsPanel[] = [
  {
    title: "Records/s per stage and topic",
    description: "Records each stage handled and committed (dead letters included).",
    unit: "ops",
    targets: [
      { expr: `sum by (stage, topic) (${rate("cx_records_consumed_total")})`, legend: "{{stage}} {{topic}}" },
    ],
  },
  {
    title: "Consumer lag per stage and topic",
    description: "Records not yet committed by the stage's group, summed over partitions and instances.",
    unit: "short",
    targets: [{ expr: "sum by (stage, topic) (cx_consumer_lag)", legend: "{{stage}} {{topic}}" }],
  },
  {
    title: "Batch latency p95 per stage",
    description: "Batch received → offset committed, 95th percentile.",
    unit: "s",
    targets: [
      {
        expr: `histogram_quantile(0.95, sum by (le, stage) (${rate("cx_batch_duration_seconds_bucket")}))`,
        legend: "{{stage}}",
      },
    ],
  },
  {
    title: "Batch retries per stage and topic",
    description: "Failed attempts at a batch, each retried with backoff: a store or broker outage.",
    unit: "ops",
    targets: [
      { expr: `sum by (stage, topic) (${rate("cx_batch_retries_total")})`, legend: "{{stage}} {{topic}}" },
    ],
  },
  {
    title: "Dead letters by reason",
    description: "Records sent to the dead-letter topic per stage and reason category.",
    unit: "ops",
    targets: [
      { expr: `sum by (stage, reason) (${rate("cx_dead_letters_total")})`, legend: "{{stage}} {{reason}}" },
    ],
  },
  {
    title: "Offer decisions by offer",
    description: 'Published decisions per offer; "none" when nothing was offered.',
    unit: "ops",
    targets: [{ expr: `sum by (offer) (${rate("cx_offer_decisions_total")})`, legend: "{{offer}}" }],
  },
  {
    title: "Suppressions by reason",
    description: "Offers the contact policy held back.",
    unit: "ops",
    targets: [{ expr: `sum by (reason) (${rate("cx_offer_suppressions_total")})`, legend: "{{reason}}" }],
  },
  {
    title: "ClickHouse insert latency p95 per table",
    description: "The sink's inserts, 95th percentile; errors below.",
    unit: "s",
    targets: [
      {
        expr: `histogram_quantile(0.95, sum by (le, table) (${rate("cx_clickhouse_insert_duration_seconds_bucket")}))`,
        legend: "{{table}}",
      },
      {
        expr: `sum by (table) (${rate('cx_clickhouse_insert_duration_seconds_count{outcome="error"}')})`,
        legend: "{{table}} errors/s",
      },
    ],
  },
  {
    title: "Readiness per service",
    description: "1 when /health/ready answers 200 (cx_ready); up = Prometheus reaches the service at all.",
    unit: "short",
    targets: [
      { expr: "min by (job, instance) (cx_ready)", legend: "ready {{job}} {{instance}}" },
      { expr: 'up{job=~"cx-.*"}', legend: "up {{job}} {{instance}}" },
    ],
  },
  {
    title: "Gateway events by channel and outcome",
    description: "Events posted to the ingest gateway, accepted or rejected (marketing = offer responses).",
    unit: "ops",
    targets: [
      {
        expr: `sum by (channel, outcome) (${rate("cx_gateway_events_total")})`,
        legend: "{{channel}} {{outcome}}",
      },
    ],
  },
  {
    title: "Lag reads that failed",
    description: "Scrapes at which the broker did not tell a stage's lag within 5 s.",
    unit: "short",
    targets: [
      {
        expr: `sum by (stage) (increase(cx_consumer_lag_refresh_failures_total[$__rate_interval]))`,
        legend: "{{stage}}",
      },
    ],
  },
  {
    title: "Memory and event-loop lag per service",
    description: "Resident memory and the event loop's p99 delay (prom-client's process metrics).",
    unit: "short",
    targets: [
      { expr: "cx_process_resident_memory_bytes", legend: "memory {{job}} {{instance}}" },
      { expr: "cx_nodejs_eventloop_lag_p99_seconds", legend: "event loop p99 {{job}} {{instance}}" },
    ],
  },
];

/** The operations dashboard (Prometheus): throughput, lag, latency, failures, offers, readiness. */
export function operationsDashboard() {
  return {
    uid: "cx-operations",
    title: "cx: pipeline operations",
    description:
      "The cx services' Prometheus metrics (packages/observability); alerts: infra/prometheus/rules.",
    tags: ["cx", "prometheus"],
    timezone: "utc",
    schemaVersion: 39,
    editable: true,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    panels: operationsPanels.map((spec, index) => ({
      id: index + 1,
      type: "timeseries",
      title: spec.title,
      description: spec.description,
      datasource: dataSources.prometheus,
      gridPos: gridPosition(index, 8),
      fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
      targets: spec.targets.map((target, at) => ({
        refId: String.fromCharCode(65 + at),
        datasource: dataSources.prometheus,
        expr: target.expr,
        legendFormat: target.legend,
      })),
    })),
  };
}
