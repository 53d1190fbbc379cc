import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { queryPack } from "@cx/clickhouse";
import { reportSections } from "@cx/report";
import { afterAll, describe, expect, it } from "vitest";
import { openReport } from "./support/report-browser";
import { runCommand } from "./support/run-command";

const dataDir = mkdtempSync(join(tmpdir(), "cx-report-test-"));
const clickhouseDir = join(dataDir, "clickhouse");
const reportFile = join(dataDir, "report.html");
const allCharts = reportSections.flatMap((section) => section.charts.map((chart) => `chart-${chart.id}`));

const embedded = (folder: string) => {
  const env: Record<string, string | undefined> = { ...process.env, CLICKHOUSE_DATA_DIR: folder };
  for (const name of ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "CLICKHOUSE_URL"]) delete env[name];
  return env;
};

/** Runs SQL on the demo's data in a process of its own (one chDB holder at a time). */
async function query(queries: Record<string, string>) {
  const { code, output } = await runCommand(
    ["tsx", "test/support/clickhouse-query.ts", JSON.stringify(queries)],
    embedded(clickhouseDir),
  );
  expect(code, output).toBe(0);
  const line = output.split("\n").find((candidate) => candidate.startsWith("RESULT "));
  return JSON.parse(line?.slice("RESULT ".length) ?? "{}") as Record<string, Record<string, unknown>[]>;
}

const packSql = (name: string) =>
  (queryPack().find((query) => query.name === name)?.sql ?? "").replaceAll("{{database}}", "{db}");

describe("the HTML report in a browser", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("npm start ends with a report whose every chart renders in Chromium, without errors, and whose figures match the queries", async () => {
    const demo = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
      ...embedded(clickhouseDir),
      PIPELINE_CUSTOMERS: "80",
      PIPELINE_DAYS: "30",
      PIPELINE_SEED: "7",
      KAFKA_PARTITIONS: "3",
      PIPELINE_REPORT_FILE: reportFile,
    });
    expect(demo.code, demo.output).toBe(0);
    expect(demo.output).toContain(`Report: ${reportFile}`);

    const screenshot = join(dataDir, "report.png");
    const page = await openReport(reportFile, screenshot);
    expect(page.problems).toEqual([]);
    expect(page.state).toBe("data");
    expect(page.emptyCharts).toEqual([]);
    expect(page.charts.map((chart) => chart.id)).toEqual(allCharts);
    for (const chart of page.charts) {
      expect(chart.shapes, chart.id).toBeGreaterThan(5);
      expect(chart.width * chart.height, chart.id).toBeGreaterThan(100 * 100);
    }
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(50_000);

    // The page's figures against the same pack query, and against the raw table, run directly.
    const direct = await query({
      period: packSql("data-period"),
      concentration: packSql("revenue-concentration"),
      offers: `SELECT count() AS decided FROM {db}.offers FINAL`,
    });
    const topFifth = direct.concentration?.find((row) => Number(row.top_percent) === 20);
    expect(page.figures["top-fifth-revenue-share"]).toBeCloseTo(Number(topFifth?.revenue_share) * 100, 6);
    expect(page.figures["offers-decided"]).toBe(Number(direct.offers?.[0]?.decided));
    expect(page.figures["offers-decided"]).toBeGreaterThan(20);
    expect(page.figures.touchpoints).toBe(Number(direct.period?.[0]?.touchpoints));
  }, 300_000);

  it("says the period is empty, and still draws what is not bound to it, for a period without data", async () => {
    const emptyPeriod = join(dataDir, "empty-period.html");
    const { code, output } = await runCommand(
      ["cx", "report", "--out", emptyPeriod, "--from", "2001-01-01", "--to", "2001-01-31"],
      embedded(clickhouseDir),
    );
    expect(code, output).toBe(0);
    const page = await openReport(emptyPeriod);
    expect(page.problems).toEqual([]);
    expect(page.state).toBe("empty-period");
    expect(page.emptyCharts).toEqual(
      expect.arrayContaining(["lifecycle-stage-counts", "offer-funnel", "suppressions"]),
    );
    expect(page.charts.map((chart) => chart.id)).toEqual(expect.arrayContaining(["chart-value-deciles"]));
    for (const chart of page.charts) expect(chart.shapes, chart.id).toBeGreaterThan(5);
  }, 120_000);

  it("says the database is empty, with no broken chart, for a database nothing was written to", async () => {
    const emptyDir = join(dataDir, "empty-clickhouse");
    const emptyReport = join(dataDir, "empty.html");
    const { code, output } = await runCommand(["cx", "report", "--out", emptyReport], embedded(emptyDir));
    expect(code, output).toBe(0);
    const page = await openReport(emptyReport);
    expect(page.problems).toEqual([]);
    expect(page.state).toBe("empty-database");
    expect(page.charts).toEqual([]);
    expect(page.emptyCharts).toHaveLength(allCharts.length);
    expect(readFileSync(emptyReport, "utf8")).toContain("The database holds no touchpoints yet");
    expect(existsSync(join(emptyDir, "cx"))).toBe(false);
  }, 120_000);
});
