import { metrics } from "@cx/observability";
import type { DeliveryRecord } from "@cx/stage-records";
import { Counter, Gauge, Histogram } from "prom-client";

const registers = [metrics.registry];

/** The dispatcher's own series, served with the pipeline's on /metrics. */
export const dispatcherMetrics = {
  attempts: new Counter({
    name: "cx_webhook_attempts_total",
    help: "Webhook delivery attempts and final outcomes, per channel and status (delivered, retrying, failed, disabled, refused)",
    labelNames: ["channel", "status"],
    registers,
  }),
  latency: new Histogram({
    name: "cx_webhook_attempt_duration_seconds",
    help: "Time from sending a webhook to its answer (or failure), per channel",
    labelNames: ["channel"],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers,
  }),
  pending: new Gauge({
    name: "cx_webhook_pending_deliveries",
    help: "Decisions waiting for a (further) delivery attempt, per partition of the offers topic",
    labelNames: ["partition"],
    registers,
  }),
};

export function countDeliveries(records: readonly DeliveryRecord[]): void {
  for (const record of records) {
    dispatcherMetrics.attempts.inc({ channel: record.channel, status: record.status });
    if (record.latencyMs > 0)
      dispatcherMetrics.latency.observe({ channel: record.channel }, record.latencyMs / 1000);
  }
}
