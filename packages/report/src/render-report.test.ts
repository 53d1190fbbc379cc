import { queryPack } from "@cx/clickhouse";
import { describe, expect, it } from "vitest";
import { renderReport } from "./render-report";
import { reportQueries } from "./report-data";
import { reportData, sampleRows } from "./report-fixtures";
import { reportSections } from "./sections";

const chartLibrary = "window.echarts = { init: function () {} };";
const charts = reportSections.flatMap((section) => section.charts);
const drawnCharts = (html: string) =>
  JSON.parse(
    /<script type="application\/json" id="cx-report-charts">(.*?)<\/script>/s.exec(html)?.[1] ?? "null",
  ) as {
    id: string;
  }[];

describe("renderReport", () => {
  it("draws every chart from the pack's rows, each naming its query, with the library inline", () => {
    const html = renderReport(reportData(sampleRows), { chartLibrary });
    expect(drawnCharts(html).map((chart) => chart.id)).toEqual(charts.map((chart) => `chart-${chart.id}`));
    for (const chart of charts) expect(html).toContain(`Query: <code>${chart.query}</code>`);
    expect(html).toContain(chartLibrary);
    expect(html).toContain('data-figure="top-fifth-revenue-share" data-value="80"');
    expect(html).toContain('data-figure="offers-decided" data-value="50"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
  });

  it("says so when the database is empty, and draws nothing", () => {
    const html = renderReport(reportData(), { chartLibrary });
    expect(html).toContain('id="notice-empty-database"');
    expect(html).toContain('data-state="empty-database"');
    expect(drawnCharts(html)).toEqual([]);
    for (const chart of charts) expect(html).toContain(`data-empty-chart="${chart.id}"`);
    expect(html).toContain('data-figure="top-fifth-revenue-share"><span class="value">–');
  });

  it("says so when the period holds nothing, and still draws what is not bound to the period", () => {
    const { "channel-activity": _, "lifecycle-stage-counts": __, ...allTime } = sampleRows;
    const html = renderReport(reportData(allTime), { chartLibrary });
    expect(html).toContain('id="notice-empty-period"');
    expect(html).toContain("The database holds 2026-09-01 to 2026-10-31");
    expect(html).toContain('data-empty-chart="lifecycle-stage-counts"');
    expect(drawnCharts(html).map((chart) => chart.id)).toContain("chart-value-deciles");
  });

  it("keeps values that look like markup inside the data", () => {
    const hostile = "</script><script>alert(1)</script>";
    const html = renderReport(
      reportData({ ...sampleRows, suppressions: [{ reason: hostile, channel: "sms", suppressed: 1 }] }),
      { chartLibrary },
    );
    expect(html).not.toContain(hostile);
    expect(JSON.stringify(drawnCharts(html))).toContain(hostile);
  });

  it("leaves a separate, empty place for the uplift against the holdout", () => {
    const html = renderReport(reportData(sampleRows), { chartLibrary });
    expect(html).toMatch(/<section id="offers-uplift">.*holdout.*<\/section>/s);
    expect(html).not.toMatch(/id="chart-[^"]*uplift/);
  });

  it("uses only queries that exist in the pack", () => {
    const pack = queryPack().map((query) => query.name);
    for (const name of Object.keys(reportQueries)) expect(pack, name).toContain(name);
  });
});
