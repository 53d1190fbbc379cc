import type { ClickHouse } from "@cx/clickhouse";

/** What the uplift needs of an enriched touchpoint row (occurred_at in epoch milliseconds). */
export interface UpliftTouchpointRow {
  event_id: string;
  customer_id: string;
  occurred_at: number;
  type: string;
  amount_minor: number | null;
  holdout: boolean;
}
/** What the uplift needs of a lifecycle stage change row (changed_at in epoch milliseconds). */
export interface UpliftStageChangeRow {
  customer_id: string;
  to_stage: string;
  changed_at: number;
  event_id: string;
}
export interface UpliftRows {
  touchpoints: UpliftTouchpointRow[];
  stageChanges: UpliftStageChangeRow[];
  /** Customers merged into another by the period's end: counted under the survivor only. */
  mergedAway: string[];
}

const dayMs = 24 * 60 * 60 * 1000;
const z95 = 1.959963984540054;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const sampleVariance = (values: number[]) => {
  const m = mean(values);
  return values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1);
};

/**
 * The `offer-uplift` query's figures computed plainly from raw rows, the reference its tests hold
 * it to: every customer seen by the period's end counts (the inactive with zeros), in the group of
 * their latest touchpoint by then; a row stored twice counts once; `periodEnd` is exclusive.
 */
export function upliftFromRawRows(
  { touchpoints, stageChanges, mergedAway }: UpliftRows,
  periodStart: number,
  periodEnd: number,
) {
  const inPeriod = (at: number) => at >= periodStart && at < periodEnd;
  const unique = [...new Map(touchpoints.map((row) => [row.event_id, row])).values()];
  const latest = new Map<string, UpliftTouchpointRow>();
  for (const row of unique) {
    if (row.occurred_at >= periodEnd || mergedAway.includes(row.customer_id)) continue;
    const known = latest.get(row.customer_id);
    if (!known || row.occurred_at > known.occurred_at) latest.set(row.customer_id, row);
  }
  const customers = [...latest.keys()].map((customerId) => {
    const own = unique.filter((row) => row.customer_id === customerId && inPeriod(row.occurred_at));
    const netRevenueMinor = own
      .filter((row) => row.type === "purchase" || row.type === "return")
      .reduce((sum, row) => sum + (row.amount_minor ?? 0), 0);
    const purchaseDays = new Set(
      own
        .filter((row) => row.type === "purchase" && row.amount_minor !== null)
        .map((row) => Math.floor(row.occurred_at / dayMs)),
    ).size;
    const moved = stageChanges.some(
      (change) =>
        change.customer_id === customerId &&
        (change.to_stage === "at_risk" || change.to_stage === "lapsed") &&
        inPeriod(change.changed_at),
    );
    return {
      holdout: latest.get(customerId)?.holdout ?? false,
      figures: [netRevenueMinor / 100, purchaseDays, moved ? 1 : 0],
    };
  });
  const treated = customers.filter((customer) => !customer.holdout);
  const held = customers.filter((customer) => customer.holdout);
  const metrics = [
    "net_revenue_per_customer",
    "purchase_days_per_customer",
    "share_moved_to_at_risk_or_lapsed",
  ];
  return metrics.map((metric, index) => {
    const t = treated.map((customer) => customer.figures[index] as number);
    const h = held.map((customer) => customer.figures[index] as number);
    const [meanT, meanH] = [mean(t), mean(h)];
    const standardError =
      metric === "share_moved_to_at_risk_or_lapsed"
        ? Math.sqrt((meanT * (1 - meanT)) / t.length + (meanH * (1 - meanH)) / h.length) // unpooled
        : Math.sqrt(sampleVariance(t) / t.length + sampleVariance(h) / h.length); // Welch
    const difference = meanT - meanH;
    return {
      metric,
      treatment_customers: t.length,
      holdout_customers: h.length,
      treatment: meanT,
      holdout: meanH,
      difference,
      standard_error: standardError,
      ci95_low: difference - z95 * standardError,
      ci95_high: difference + z95 * standardError,
    };
  });
}

export type ExpectedUplift = ReturnType<typeof upliftFromRawRows>;
const upliftFigures = [
  "treatment",
  "holdout",
  "difference",
  "standard_error",
  "ci95_low",
  "ci95_high",
] as const;

/**
 * Where the query's rows differ from the reference (the query rounds to 4 decimals): an empty list
 * when they agree, else one line per difference.
 */
export function upliftDifferences(found: Record<string, unknown>[], expected: ExpectedUplift): string[] {
  const problems: string[] = [];
  const metrics = found.map((row) => row.metric);
  if (JSON.stringify(metrics) !== JSON.stringify(expected.map((row) => row.metric)))
    problems.push(`metrics ${JSON.stringify(metrics)}`);
  for (const [index, want] of expected.entries()) {
    const got = found[index] ?? {};
    for (const key of ["treatment_customers", "holdout_customers"] as const)
      if (Number(got[key]) !== want[key]) problems.push(`${want.metric} ${key}: ${got[key]} vs ${want[key]}`);
    for (const key of upliftFigures)
      if (!(Math.abs(Number(got[key]) - want[key]) <= 0.5e-4 + 1e-9))
        problems.push(`${want.metric} ${key}: ${got[key]} vs ${want[key]}`);
  }
  return problems;
}

/**
 * SQL for the raw rows upliftFromRawRows reads from a pipeline's ClickHouse, `{db}` naming the
 * database: every touchpoint row as stored (duplicates too: the reference drops them itself), every
 * stage change, and who is merged into another.
 */
export const upliftRawRowQueries = {
  touchpoints: `SELECT event_id, customer_id, toUnixTimestamp64Milli(occurred_at) AS occurred_at,
                       toString(type) AS type, amount_minor, holdout
                FROM {db}.enriched_touchpoints`,
  stageChanges: `SELECT customer_id, toString(to_stage) AS to_stage,
                        toUnixTimestamp64Milli(changed_at) AS changed_at, event_id
                 FROM {db}.lifecycle_stage_changes`,
  mergedAway: `SELECT customer_id FROM {db}.customer_profiles FINAL WHERE merged_into IS NOT NULL`,
} as const;

type RawResults = { -readonly [Name in keyof typeof upliftRawRowQueries]?: Record<string, unknown>[] };

/** The rows of upliftRawRowQueries as upliftFromRawRows takes them (ClickHouse sends 64-bit integers as strings). */
export function upliftRowsFromResults(raw: RawResults): UpliftRows {
  return {
    touchpoints: (raw.touchpoints ?? []).map((row) => ({
      event_id: String(row.event_id),
      customer_id: String(row.customer_id),
      occurred_at: Number(row.occurred_at),
      type: String(row.type),
      amount_minor: row.amount_minor === null ? null : Number(row.amount_minor),
      holdout: Boolean(row.holdout),
    })),
    stageChanges: (raw.stageChanges ?? []).map((row) => ({
      customer_id: String(row.customer_id),
      to_stage: String(row.to_stage),
      changed_at: Number(row.changed_at),
      event_id: String(row.event_id),
    })),
    mergedAway: (raw.mergedAway ?? []).map((row) => String(row.customer_id)),
  };
}

/** upliftRawRowQueries run on `clickhouse` in this process, as upliftFromRawRows takes their rows. */
export async function readUpliftRows(clickhouse: ClickHouse): Promise<UpliftRows> {
  const raw: RawResults = {};
  for (const [name, sql] of Object.entries(upliftRawRowQueries)) {
    const result = await clickhouse.client.query({
      query: sql.replaceAll("{db}", clickhouse.database),
      format: "JSONEachRow",
    });
    raw[name as keyof RawResults] = await result.json<Record<string, unknown>>();
  }
  return upliftRowsFromResults(raw);
}

/**
 * The whole days (UTC) a run's touchpoints cover: `from` and `to` as `offer-uplift` takes them
 * (inclusive), `start` and `end` as upliftFromRawRows does (end exclusive).
 */
export function wholeDaysOf({ touchpoints }: UpliftRows) {
  const days = touchpoints.map((row) => Math.floor(row.occurred_at / dayMs));
  const [first, last] = [Math.min(...days), Math.max(...days)];
  const date = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10);
  return { from: date(first), to: date(last), start: first * dayMs, end: (last + 1) * dayMs };
}
