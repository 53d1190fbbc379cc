import type { ChartSpec } from "./chart-spec";
import { dataState, type Figure, formatFigure, headlineFigures } from "./figures";
import { escapeHtml, jsonForScript, scriptSource } from "./html";
import type { ReportData } from "./report-data";
import { reportStyle } from "./report-style";
import { reportSections } from "./sections";

export interface RenderOptions {
  /** The chart library's browser build (ECharts), inlined so the page needs no network. */
  readonly chartLibrary: string;
}

interface DrawnChart {
  readonly id: string;
  readonly option: unknown;
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

function noticeFor(data: ReportData): string {
  const { from, to } = data.period;
  switch (dataState(data)) {
    case "empty-database":
      return `<p class="notice" id="notice-empty-database">The database holds no touchpoints yet, so there is nothing to show. Run ${code("npm start")} (or the services) to fill it, then ${code("npx cx report")} again.</p>`;
    case "empty-period": {
      const [held] = data.rows["data-period"];
      return `<p class="notice" id="notice-empty-period">No touchpoints between ${escapeHtml(from)} and ${escapeHtml(to)}. The database holds ${escapeHtml(String(held?.first_day))} to ${escapeHtml(String(held?.last_day))}; charts over all time still show what exists.</p>`;
    }
    default:
      return "";
  }
}

function figureHtml(figure: Figure): string {
  const value = figure.value === undefined ? "" : ` data-value="${figure.value}"`;
  return `<div class="figure" data-figure="${figure.id}"${value}><span class="value">${escapeHtml(formatFigure(figure))}</span><span class="label">${escapeHtml(figure.label)}</span><br><span class="query">query ${code(figure.query)}</span></div>`;
}

function chartCard(chart: ChartSpec, data: ReportData, drawn: DrawnChart[]): string {
  const option = chart.option(data.rows[chart.query]);
  const body =
    option === undefined
      ? `<p class="empty" data-empty-chart="${chart.id}">No data for this chart in this period.</p>`
      : `<div class="chart" id="chart-${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`;
  if (option !== undefined) drawn.push({ id: `chart-${chart.id}`, option });
  return `<article class="card" id="${chart.id}"><h3>${escapeHtml(chart.title)}</h3><p>${escapeHtml(chart.shows)} Query: ${code(chart.query)}.</p>${body}</article>`;
}

/** Reserved for the uplift of offers against the holdout group, which is built separately. */
const upliftPlaceholder = `<section id="offers-uplift"><h2>Offers: uplift vs holdout</h2><article class="card placeholder"><p>Reserved for the uplift of offers against a holdout group (customers deliberately not sent offers). That comparison is being built separately; its chart and query go here.</p></article></section>`;

/** Draws every chart once the library has loaded; the body's data-charts-drawn attribute says when it is done. */
const drawScript = `(function () {
  var charts = JSON.parse(document.getElementById("cx-report-charts").textContent);
  var instances = charts.map(function (chart) {
    var instance = echarts.init(document.getElementById(chart.id), null, { renderer: "svg" });
    instance.setOption(chart.option);
    return instance;
  });
  window.addEventListener("resize", function () { instances.forEach(function (i) { i.resize(); }); });
  document.body.setAttribute("data-charts-drawn", String(instances.length));
})();`;

/**
 * The report as one HTML document: data in, string out. No network at view time: the chart
 * library and the data are inside the page.
 */
export function renderReport(data: ReportData, options: RenderOptions): string {
  const drawn: DrawnChart[] = [];
  const sections = reportSections
    .map(
      (section) =>
        `<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2><div class="charts">${section.charts
          .map((chart) => chartCard(chart, data, drawn))
          .join("")}</div></section>`,
    )
    .join("\n");
  const nav = [
    ...reportSections.map((section) => [section.id, section.title]),
    ["offers-uplift", "Uplift vs holdout"],
  ]
    .map(([id, title]) => `<a href="#${id}">${escapeHtml(String(title))}</a>`)
    .join("");
  const { from, to } = data.period;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer experience report ${escapeHtml(from)} – ${escapeHtml(to)}</title>
<style>${reportStyle}</style>
</head>
<body data-state="${dataState(data)}">
<header>
<h1>Customer experience report</h1>
<p class="meta">${escapeHtml(from)} to ${escapeHtml(to)} · data from ${escapeHtml(data.source)} · read ${escapeHtml(data.generatedAt)}</p>
<nav>${nav}</nav>
</header>
<main>
${noticeFor(data)}
<div class="figures">${headlineFigures(data).map(figureHtml).join("")}</div>
${sections}
${upliftPlaceholder}
</main>
<footer><p>Made by ${code("npx cx report")}. Each chart names its query in the pack (packages/clickhouse/queries); ${code("npx cx query NAME --param from=… --param to=…")} gives its rows.</p></footer>
<script>${scriptSource(options.chartLibrary)}</script>
<script type="application/json" id="cx-report-charts">${jsonForScript(drawn)}</script>
<script>${drawScript}</script>
</body>
</html>
`;
}
