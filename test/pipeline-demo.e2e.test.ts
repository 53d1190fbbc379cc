import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { holdoutEnvSchema, holdoutSettings, isHeldOut } from "@cx/offers";
import {
  testStageVariables,
  upliftDifferences,
  upliftFromRawRows,
  upliftRawRowQueries,
  upliftRowsFromResults,
  wholeDaysOf,
} from "@cx/testing";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "./support/run-command";

const dataDir = mkdtempSync(join(tmpdir(), "cx-demo-test-"));
const size = {
  PIPELINE_CUSTOMERS: "80",
  PIPELINE_DAYS: "30",
  PIPELINE_SEED: "7",
  KAFKA_PARTITIONS: "3",
  // The run's report goes beside its data, not into the repository's .data folder.
  PIPELINE_REPORT_FILE: join(dataDir, "report.html"),
};

/** Queries one database of the demo's data folder from a process of its own (one chDB holder at a time). */
async function query(database: string, queries: Record<string, string>) {
  const { code, output } = await runCommand(
    ["tsx", "test/support/clickhouse-query.ts", JSON.stringify(queries)],
    {
      ...process.env,
      CLICKHOUSE_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: database,
      CLICKHOUSE_URL: undefined,
    },
  );
  expect(code, output).toBe(0);
  const line = output.split("\n").find((candidate) => candidate.startsWith("RESULT "));
  return JSON.parse(line?.slice("RESULT ".length) ?? "{}") as Record<string, Record<string, unknown>[]>;
}

const withoutServers = () => {
  const env: Record<string, string | undefined> = { ...process.env, CLICKHOUSE_DATA_DIR: dataDir };
  for (const name of ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "CLICKHOUSE_URL"]) delete env[name];
  return env;
};

/**
 * What must not depend on the transport. Customer ids name a customer after the identifier the
 * identity stage saw first, and value tiers rank a customer among their partition's customers at
 * that moment, so both follow the interleaving of partitions, which a broker does not fix; the
 * people, their figures and what they did do not. Offers are decided with the tier as one factor,
 * so they are compared by their overall volume only (see the test).
 */
const figures = {
  people: `SELECT net_revenue_minor, purchase_days, complaints, current_value_minor, arraySort(channels) AS channels
           FROM {db}.customer_profiles FINAL WHERE merged_into IS NULL
           ORDER BY net_revenue_minor, purchase_days, complaints, current_value_minor, channels`,
  enriched: `SELECT count() AS touchpoints, uniqExact(event_id) AS events FROM {db}.enriched_touchpoints`,
  activity: `SELECT day, channel, type, sum(touchpoints) AS n, sum(revenue_minor) AS revenue
             FROM {db}.daily_channel_activity GROUP BY day, channel, type ORDER BY day, channel, type`,
  service: `SELECT day, channel, sum(complaints) AS complaints, sum(resolved) AS resolved
            FROM {db}.service_daily GROUP BY day, channel ORDER BY day, channel`,
};

/**
 * `cx query offer-uplift` over a run's whole period gives what a plain computation from the same
 * database's raw rows gives: the query checked on the pipeline's own rows, not only on made-up ones.
 */
async function expectUpliftFromRawRows(database: string) {
  const rows = upliftRowsFromResults(await query(database, upliftRawRowQueries));
  const period = wholeDaysOf(rows);
  const expected = upliftFromRawRows(rows, period.start, period.end);
  // Enough of both groups that the intervals are figures, not NULL.
  expect(expected[0]?.holdout_customers).toBeGreaterThanOrEqual(2);
  expect(expected[0]?.treatment_customers).toBeGreaterThan(50);
  const { code, output } = await runCommand(
    ["cx", "query", "offer-uplift", "--param", `from=${period.from}`, "--param", `to=${period.to}`, "--json"],
    {
      ...process.env,
      CLICKHOUSE_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: database,
      CLICKHOUSE_URL: undefined,
    },
  );
  expect(code, output).toBe(0);
  const found = JSON.parse(output.split("\n").find((line) => line.startsWith("[")) ?? "[]");
  expect(upliftDifferences(found, expected)).toEqual([]);
}

describe("npm start: the whole pipeline in one process", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("refuses a ClickHouse server without a broker, and half a Kafka configuration, touching nothing (exit 2)", async () => {
    // Stands in for a production ClickHouse: any request at all (a DROP DATABASE) would be recorded.
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.end("Ok.\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const clickhouseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const serverOnly = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
        ...withoutServers(),
        CLICKHOUSE_URL: clickhouseUrl,
      });
      expect(serverOnly.code, serverOnly.output).toBe(2);
      expect(serverOnly.output).toMatch(
        /CLICKHOUSE_URL: is set but KAFKA_BROKERS and SCHEMA_REGISTRY_URL are not/,
      );
      const halfKafka = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
        ...withoutServers(),
        CLICKHOUSE_URL: clickhouseUrl,
        KAFKA_BROKERS: "127.0.0.1:9",
      });
      expect(halfKafka.code, halfKafka.output).toBe(2);
      expect(halfKafka.output).toMatch(/SCHEMA_REGISTRY_URL: must be set too/);
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("runs the demo on a clean data folder and prints a summary that matches ClickHouse", async () => {
    const summaryFile = join(dataDir, "embedded-summary.json");
    const { code, output } = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
      ...withoutServers(),
      ...size,
      CLICKHOUSE_DATABASE: "demo_embedded",
      PIPELINE_SUMMARY_FILE: summaryFile,
    });
    expect(code, output).toBe(0);
    expect(output).toContain("the in-memory transport");
    expect(output).toContain("Customers by lifecycle stage");
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
    const found = await query("demo_embedded", {
      counts: `SELECT (SELECT count() FROM {db}.touchpoints) AS touchpoints,
                      (SELECT count() FROM {db}.customer_profiles FINAL WHERE merged_into IS NULL) AS customers,
                      (SELECT count() FROM {db}.offers) AS offers`,
      stages: `SELECT toString(stage) AS stage, count() AS customers FROM {db}.customer_profiles FINAL
               WHERE merged_into IS NULL GROUP BY stage ORDER BY customers DESC, stage`,
      suppressed: `SELECT reason, count() AS suppressed FROM {db}.suppressed_decisions GROUP BY reason
                   ORDER BY suppressed DESC, reason`,
      accepted: `SELECT offer_id, countIf(outcome = 'accepted') AS accepted FROM {db}.offer_outcomes
                 GROUP BY offer_id ORDER BY offer_id`,
      holdoutFlags: `SELECT customer_id, groupUniqArray(holdout) AS flags FROM {db}.enriched_touchpoints GROUP BY customer_id
                     UNION ALL
                     SELECT customer_id, [holdout] AS flags FROM {db}.customer_profiles FINAL`,
      topFifth: `SELECT round(sumIf(net_revenue_minor, rank <= ceil(total / 5)) / sum(net_revenue_minor), 2) AS share
                 FROM (SELECT net_revenue_minor, count() OVER () AS total,
                              row_number() OVER (ORDER BY coalesce(predicted_value_minor, current_value_minor) + indirect_value_minor DESC) AS rank
                       FROM {db}.customer_profiles FINAL WHERE merged_into IS NULL)`,
    });
    const [counts] = found.counts ?? [];
    expect(summary.touchpoints).toBe(Number(counts?.touchpoints));
    expect(summary.touchpoints).toBeGreaterThan(500);
    expect(summary.customers).toBe(Number(counts?.customers));
    expect(summary.offersDecided).toBe(Number(counts?.offers));
    expect(summary.stages).toEqual(
      found.stages?.map((row) => ({ ...row, customers: Number(row.customers) })),
    );
    expect(summary.suppressedByReason).toEqual(
      found.suppressed?.map((row) => ({ reason: row.reason, suppressed: Number(row.suppressed) })),
    );
    const acceptedByOffer = Object.fromEntries(
      summary.acceptanceByOffer.map((row: { offer_id: string; accepted: number }) => [
        row.offer_id,
        row.accepted,
      ]),
    );
    for (const row of found.accepted ?? [])
      expect(acceptedByOffer[String(row.offer_id)] ?? 0).toBe(Number(row.accepted));
    // Deciles share customers unevenly when they do not divide by ten, so a rounded comparison.
    expect(summary.topFifthRevenueShare).toBeCloseTo(Number(found.topFifth?.[0]?.share), 1);
    expect(summary.deadLettersByReason).toEqual([]);
    // The holdout flag reached ClickHouse as the offer engine decides it (the child ran with this
    // environment), on every enriched touchpoint and profile, and both groups occur.
    const holdout = holdoutSettings(holdoutEnvSchema.parse(process.env));
    const flags = (found.holdoutFlags ?? []) as { customer_id: string; flags: boolean[] }[];
    expect(flags.length).toBeGreaterThan(Number(counts?.customers));
    for (const row of flags)
      expect(row.flags, row.customer_id).toEqual([isHeldOut(row.customer_id, holdout)]);
    expect(flags.some((row) => row.flags[0])).toBe(true);
    // The summary ends with the uplift line, from the same figures as the summary file.
    const uplift = summary.netRevenueUplift;
    const groups = `n=${uplift.treatmentCustomers.toLocaleString("en-US")} treatment / ${uplift.holdoutCustomers.toLocaleString("en-US")} holdout`;
    expect(output).toMatch(/\nuplift vs holdout: [^\n]+\n\nReport: /);
    expect(output).toContain(groups);
    expect(uplift.treatmentCustomers + uplift.holdoutCustomers).toBe(Number(counts?.customers));
  }, 240_000);

  it("gives exactly the same summary on every run in one process (the in-memory transport is deterministic)", async () => {
    const summaries = [];
    for (const run of [1, 2]) {
      const summaryFile = join(dataDir, `repeat-${run}.json`);
      const { code, output } = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
        ...withoutServers(),
        ...size,
        CLICKHOUSE_DATABASE: `demo_repeat_${run}`,
        PIPELINE_SUMMARY_FILE: summaryFile,
      });
      expect(code, output).toBe(0);
      summaries.push(JSON.parse(readFileSync(summaryFile, "utf8")));
    }
    expect(summaries[0].offersDecided).toBeGreaterThan(0);
    expect(summaries[1]).toEqual(summaries[0]);
  });

  it("gives the same profiles, offers and aggregates over Kafka as in one process", async () => {
    // Answers to offers are touchpoints too, and offers follow value tiers (see `figures`): the
    // comparison runs without them so both runs see the very same touchpoints.
    const quiet = { ...size, PIPELINE_ANSWER_OFFERS: "false" };
    const embedded = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
      ...withoutServers(),
      ...quiet,
      CLICKHOUSE_DATABASE: "demo_embedded_quiet",
    });
    expect(embedded.code, embedded.output).toBe(0);
    const { code, output } = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
      ...process.env,
      ...testStageVariables(),
      ...quiet,
      CLICKHOUSE_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: "demo_kafka",
      CLICKHOUSE_URL: undefined,
    });
    expect(code, output).toBe(0);
    expect(output).not.toContain("the in-memory transport");
    const overKafka = await query("demo_kafka", figures);
    const inProcess = await query("demo_embedded_quiet", figures);
    expect(overKafka.people?.length).toBeGreaterThan(50);
    for (const name of Object.keys(figures)) expect(overKafka[name], name).toEqual(inProcess[name]);
    const decided = async (database: string) => {
      const { volume } = await query(database, {
        volume: `SELECT (SELECT count() FROM {db}.offers) + (SELECT uniqExact(decision_id) FROM {db}.suppressed_decisions) AS n`,
      });
      return Number(volume?.[0]?.n);
    };
    const [kafkaDecisions, embeddedDecisions] = [
      await decided("demo_kafka"),
      await decided("demo_embedded_quiet"),
    ];
    expect(embeddedDecisions).toBeGreaterThan(100);
    expect(Math.abs(kafkaDecisions - embeddedDecisions) / embeddedDecisions).toBeLessThan(0.1);
    await expectUpliftFromRawRows("demo_kafka");
  }, 400_000);
});
