import { type ClickHouse, runPackedQuery } from "@cx/clickhouse";
import { deadLetterHeaders, readPartitionsToEnd, type Transport } from "@cx/kafka";
import type { Logger } from "@cx/logging";

type Row = Record<string, unknown>;

/** What a run left in ClickHouse and on the dead-letter topic, as `npm start` prints it. */
export interface PipelineSummary {
  readonly touchpoints: number;
  readonly customers: number;
  readonly stages: { stage: string; customers: number }[];
  readonly valueDeciles: {
    decile: number;
    customers: number;
    average_value: number;
    revenue_share: number;
  }[];
  /** Share of net revenue from the 20 % of customers with the highest value (deciles 10 and 9). */
  readonly topFifthRevenueShare: number;
  readonly offersDecided: number;
  readonly suppressedByReason: { reason: string; suppressed: number }[];
  readonly acceptanceByOffer: {
    offer_id: string;
    decisions: number;
    accepted: number;
    acceptance_rate: number | null;
    accepted_value: number;
  }[];
  readonly deadLettersByReason: { reason: string; records: number }[];
  /** Net revenue per customer, treatment minus holdout, over the whole run (query pack: offer-uplift). */
  readonly netRevenueUplift: NetRevenueUplift;
}

export interface NetRevenueUplift {
  readonly treatmentCustomers: number;
  readonly holdoutCustomers: number;
  /** Null when a group is empty (no difference) or smaller than 2 (no interval). */
  readonly difference: number | null;
  readonly ci95Low: number | null;
  readonly ci95High: number | null;
}

/**
 * Below this many customers in a group the summary gives no figure: the 95 % interval rests on the
 * normal approximation of each group's mean, a rule of thumb for which is about 30 per group, and
 * revenue per customer is skewed (many customers buy nothing, a few a lot), so fewer would mislead.
 */
export const minimumCustomersPerGroup = 30;

async function single(clickhouse: ClickHouse, query: string): Promise<number> {
  const result = await clickhouse.client.query({ query, format: "JSONEachRow" });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** Dead letters per reason (the reason's text up to its first colon: the kind of fault). */
export async function deadLettersByReason(kafka: Transport, topic: string, logger: Logger) {
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicOffsets(topic)).map((end) => end.partition);
  await admin.disconnect();
  const counts = new Map<string, number>();
  await readPartitionsToEnd(
    kafka,
    topic,
    partitions,
    (message) => {
      const reason = String(message.headers?.[deadLetterHeaders.reason] ?? "unknown");
      const kind = reason.split(":")[0] ?? reason;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    },
    logger,
  );
  return [...counts].map(([reason, records]) => ({ reason, records })).sort((a, b) => b.records - a.records);
}

export async function pipelineSummary(
  clickhouse: ClickHouse,
  deadLetters: PipelineSummary["deadLettersByReason"],
): Promise<PipelineSummary> {
  const t = (name: string) => clickhouse.table(name);
  const wholeTime = { from: "1970-01-01", to: "2149-06-06" };
  const valueDeciles = (await runPackedQuery(clickhouse, "value-deciles")) as PipelineSummary["valueDeciles"];
  const offers = await runPackedQuery(clickhouse, "offer-performance", wholeTime);
  const acceptanceByOffer = new Map<string, PipelineSummary["acceptanceByOffer"][number]>();
  for (const row of offers) {
    const id = String(row.offer_id);
    const known = acceptanceByOffer.get(id) ?? {
      offer_id: id,
      decisions: 0,
      accepted: 0,
      acceptance_rate: null,
      accepted_value: 0,
    };
    const decisions = known.decisions + Number(row.decisions);
    const accepted = known.accepted + Number(row.accepted);
    acceptanceByOffer.set(id, {
      offer_id: id,
      decisions,
      accepted,
      acceptance_rate: decisions > 0 ? Number((accepted / decisions).toFixed(3)) : null,
      accepted_value: Number((known.accepted_value + Number(row.accepted_value)).toFixed(2)),
    });
  }
  const suppressions = await runPackedQuery(clickhouse, "suppressions", wholeTime);
  const suppressedByReason = new Map<string, number>();
  for (const row of suppressions)
    suppressedByReason.set(
      String(row.reason),
      (suppressedByReason.get(String(row.reason)) ?? 0) + Number(row.suppressed),
    );
  const uplift = (await runPackedQuery(clickhouse, "offer-uplift", wholeTime)).find(
    (row) => row.metric === "net_revenue_per_customer",
  );
  const orNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  const netRevenueUplift: NetRevenueUplift = {
    treatmentCustomers: Number(uplift?.treatment_customers ?? 0),
    holdoutCustomers: Number(uplift?.holdout_customers ?? 0),
    difference: orNull(uplift?.difference),
    ci95Low: orNull(uplift?.ci95_low),
    ci95High: orNull(uplift?.ci95_high),
  };
  const stages = await clickhouse.client.query({
    query: `SELECT toString(stage) AS stage, count() AS customers FROM ${t("customer_profiles")} FINAL
            WHERE merged_into IS NULL GROUP BY stage ORDER BY customers DESC, stage`,
    format: "JSONEachRow",
  });
  return {
    touchpoints: await single(clickhouse, `SELECT count() AS n FROM ${t("touchpoints")}`),
    customers: await single(
      clickhouse,
      `SELECT count() AS n FROM ${t("customer_profiles")} FINAL WHERE merged_into IS NULL`,
    ),
    stages: (await stages.json<Row>()).map((row) => ({
      stage: String(row.stage),
      customers: Number(row.customers),
    })),
    valueDeciles,
    topFifthRevenueShare: Number(
      valueDeciles
        .filter((row) => row.decile >= 9)
        .reduce((sum, row) => sum + row.revenue_share, 0)
        .toFixed(3),
    ),
    offersDecided: await single(clickhouse, `SELECT count() AS n FROM ${t("offers")}`),
    suppressedByReason: [...suppressedByReason]
      .map(([reason, suppressed]) => ({ reason, suppressed }))
      // Ties by name, so the table reads the same on every run (and as the query pack orders it).
      .sort((a, b) => b.suppressed - a.suppressed || (a.reason < b.reason ? -1 : 1)),
    acceptanceByOffer: [...acceptanceByOffer.values()].sort((a, b) => b.decisions - a.decisions),
    deadLettersByReason: deadLetters,
    netRevenueUplift,
  };
}

/** Money with its sign always shown, a true minus sign, two decimals: +12.30, −3.10 (never −0.00). */
function signedMoney(value: number): string {
  // Rounding the magnitude keeps it symmetric: −2.345 and +2.345 round alike.
  const cents = Math.round(Math.abs(value) * 100);
  return `${value < 0 && cents > 0 ? "−" : "+"}${(cents / 100).toFixed(2)}`;
}

/**
 * The closing line on what the offers caused, with its interval; with too few customers in a group
 * it says so instead of giving a figure that would look more certain than it is.
 */
export function upliftLine(uplift: NetRevenueUplift): string {
  const groups = `n=${uplift.treatmentCustomers.toLocaleString("en-US")} treatment / ${uplift.holdoutCustomers.toLocaleString("en-US")} holdout`;
  const { difference, ci95Low, ci95High } = uplift;
  if (
    Math.min(uplift.treatmentCustomers, uplift.holdoutCustomers) < minimumCustomersPerGroup ||
    difference === null ||
    ci95Low === null ||
    ci95High === null
  )
    return `uplift vs holdout: too few customers for an interval (${groups}; at least ${minimumCustomersPerGroup} in each group needed)`;
  return `uplift vs holdout: net revenue per customer ${signedMoney(difference)} (95% CI ${signedMoney(ci95Low)} … ${signedMoney(ci95High)}), ${groups}`;
}

/** The summary as a person reads it at the end of `npm start`. */
export function printSummary(summary: PipelineSummary, where: string, write = console.log): void {
  write(`\n${summary.touchpoints} touchpoints, ${summary.customers} customers\n`);
  write("Customers by lifecycle stage");
  console.table(summary.stages);
  write(
    `Value deciles (predicted + indirect value); the top 20 % of customers bring ${(summary.topFifthRevenueShare * 100).toFixed(1)} % of net revenue`,
  );
  console.table(summary.valueDeciles);
  write(`Offers decided: ${summary.offersDecided}; acceptance by offer`);
  console.table(summary.acceptanceByOffer);
  write("Decisions suppressed by the contact policy, by reason");
  console.table(summary.suppressedByReason);
  const dead = summary.deadLettersByReason.reduce((sum, row) => sum + row.records, 0);
  write(`Dead letters: ${dead}`);
  if (dead > 0) console.table(summary.deadLettersByReason);
  write(`\nThe data stays in ${where}. Query it further:
  npx cx query --list
  npx cx query journey-paths --param limit=10
  npx cx query lifecycle-stage-counts --param from=<YYYY-MM-DD> --param to=<YYYY-MM-DD>
  npx cx query offer-uplift --param from=<YYYY-MM-DD> --param to=<YYYY-MM-DD>
  npm run sql -- "SELECT channel, count() FROM cx.touchpoints GROUP BY channel"`);
  // Last, as the summary's bottom line: what the offers caused, against customers they never reached.
  write(`\n${upliftLine(summary.netRevenueUplift)}`);
}
