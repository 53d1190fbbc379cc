import type { PackedRow } from "@cx/clickhouse";
import { type ReportData, type ReportQueryName, reportQueries } from "./report-data";

const noRows = () =>
  Object.fromEntries(Object.keys(reportQueries).map((name) => [name, []])) as unknown as Record<
    ReportQueryName,
    PackedRow[]
  >;

/** Report data as the loader gives it, for tests: every query empty unless given. */
export function reportData(rows: Partial<Record<ReportQueryName, PackedRow[]>> = {}): ReportData {
  return {
    period: { from: "2026-10-01", to: "2026-10-31" },
    generatedAt: "2026-11-01T00:00:00.000Z",
    source: "the embedded ClickHouse in .data/clickhouse (database cx)",
    rows: { ...noRows(), ...rows },
  };
}

/** A little of everything, shaped as the pack's queries answer. */
export const sampleRows: Partial<Record<ReportQueryName, PackedRow[]>> = {
  "data-period": [{ first_day: "2026-09-01", last_day: "2026-10-31", touchpoints: 1200 }],
  "channel-activity": [
    { channel: "store", type: "purchase", touchpoints: 700, net_revenue: 5100.5 },
    { channel: "web", type: "page_view", touchpoints: 500, net_revenue: 0 },
  ],
  "lifecycle-stage-counts": [
    { day: "2026-10-01", stage: "new", customers: 10 },
    { day: "2026-10-01", stage: "active", customers: 4 },
    { day: "2026-10-02", stage: "new", customers: 12 },
    { day: "2026-10-02", stage: "active", customers: 5 },
  ],
  "lifecycle-transitions": [
    { from_stage: "", to_stage: "new", customers: 12 },
    { from_stage: "new", to_stage: "active", customers: 5 },
    { from_stage: "active", to_stage: "new", customers: 1 },
  ],
  "value-deciles": [
    { decile: 10, customers: 2, average_value: 900, net_revenue: 4000, revenue_share: 0.8 },
    { decile: 9, customers: 2, average_value: 100, net_revenue: 1000, revenue_share: 0.2 },
  ],
  "value-tiers": [
    { tier: "top", customers: 4, net_revenue: 4000 },
    { tier: "middle", customers: 13, net_revenue: 1100 },
  ],
  "revenue-concentration": [
    { top_percent: 10, customers: 2, revenue_share: 0.6 },
    { top_percent: 20, customers: 4, revenue_share: 0.8 },
    { top_percent: 100, customers: 17, revenue_share: 1 },
  ],
  "journey-paths": [
    { channel_path: "web > store", customers: 9, average_touchpoints: 4, average_sentiment: 0.1 },
  ],
  "service-by-channel": [
    {
      channel: "phone",
      complaints: 3,
      resolved: 2,
      average_wait_seconds: 120,
      average_handle_seconds: 300,
      average_nps: 7.5,
      nps_answers: 4,
    },
  ],
  "offer-funnel": [
    { offer_id: "winback-15", decided: 40, delivered: 0, answered: 10, accepted: 4, acceptance_rate: 0.1 },
    { offer_id: "early-access", decided: 10, delivered: 0, answered: 5, accepted: 1, acceptance_rate: 0.1 },
  ],
  "offer-acceptance-by-segment": [
    { stage: "at_risk", tier: "top", decided: 30, accepted: 3, acceptance_rate: 0.1 },
    { stage: "loyal", tier: "top", decided: 20, accepted: 2, acceptance_rate: 0.1 },
  ],
  suppressions: [
    { reason: "quiet_hours", channel: "sms", suppressed: 7 },
    { reason: "day_cap", channel: "email", suppressed: 3 },
  ],
};
