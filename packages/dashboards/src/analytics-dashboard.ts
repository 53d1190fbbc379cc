import { type PackedQuery, queryPack } from "@cx/clickhouse";
import { journeyPathLimit, type ReportQueryName } from "@cx/report";
import { grafanaSql, type PanelParams } from "./grafana-sql";
import { dataSources, gridPosition } from "./panel-layout";

/** A panel of the analytics dashboard: one pack query, drawn as Grafana draws it best. */
export interface AnalyticsPanel {
  readonly title: string;
  readonly query: ReportQueryName;
  readonly type: "timeseries" | "barchart" | "table";
  readonly params?: PanelParams;
}

/** The report's views (packages/report), in its order; Grafana has no Sankey or heatmap of categories, so those are tables. */
export const analyticsPanels: readonly AnalyticsPanel[] = [
  { title: "Customers per lifecycle stage", query: "lifecycle-stage-counts", type: "timeseries" },
  { title: "Flow between lifecycle stages", query: "lifecycle-transitions", type: "table" },
  { title: "Value deciles", query: "value-deciles", type: "barchart" },
  {
    title: "Concentration of net revenue (top x % of customers)",
    query: "revenue-concentration",
    type: "barchart",
  },
  {
    title: "Most common journeys across channels",
    query: "journey-paths",
    type: "barchart",
    params: { limit: journeyPathLimit },
  },
  { title: "Service by channel: waits, resolution, NPS", query: "service-by-channel", type: "table" },
  { title: "Touchpoints and net revenue by channel", query: "channel-activity", type: "table" },
  { title: "Offers: decided → delivered → accepted", query: "offer-funnel", type: "barchart" },
  {
    title: "Acceptance by lifecycle stage and value tier",
    query: "offer-acceptance-by-segment",
    type: "table",
  },
  { title: "Suppressions by reason and channel", query: "suppressions", type: "table" },
];

/** The plugin's query formats (its Format enum) and query types. */
const timeSeriesFormat = 0;
const tableFormat = 1;

function packed(name: string): PackedQuery {
  const query = queryPack().find((candidate) => candidate.name === name);
  if (!query) throw new Error(`no query ${name} in the pack`);
  return query;
}

function panel(spec: AnalyticsPanel, index: number) {
  const query = packed(spec.query);
  const timeSeries = spec.type === "timeseries";
  return {
    id: index + 1,
    type: spec.type,
    title: spec.title,
    description: `${query.description} (query pack: ${spec.query})`,
    datasource: dataSources.clickhouse,
    gridPos: gridPosition(index),
    options:
      spec.type === "barchart" ? { orientation: spec.query === "journey-paths" ? "horizontal" : "auto" } : {},
    targets: [
      {
        refId: "A",
        datasource: dataSources.clickhouse,
        editorType: "sql",
        queryType: timeSeries ? "timeseries" : "table",
        format: timeSeries ? timeSeriesFormat : tableFormat,
        rawSql: grafanaSql(query.sql, spec.params),
      },
    ],
  };
}

/** Kept clear for the uplift against the holdout, which is built separately. */
function upliftPlaceholder(index: number) {
  return {
    id: index + 1,
    type: "text",
    title: "Offers: uplift vs holdout",
    gridPos: gridPosition(index),
    options: {
      mode: "markdown",
      content:
        "Reserved for the uplift of offers against a holdout group; that comparison is being built separately.",
    },
  };
}

/** The analytics dashboard (grafana-clickhouse-datasource): the report's views over the dashboard's time range. */
export function analyticsDashboard() {
  return {
    uid: "cx-analytics",
    title: "cx: customers, value, journeys and offers",
    description:
      "The HTML report's views (npx cx report) over ClickHouse; each panel runs a query of packages/clickhouse/queries.",
    tags: ["cx", "clickhouse"],
    timezone: "utc",
    schemaVersion: 39,
    editable: true,
    time: { from: "now-90d", to: "now" },
    templating: {
      list: [
        {
          name: "database",
          label: "ClickHouse database",
          type: "textbox",
          query: "cx",
          current: { text: "cx", value: "cx" },
        },
      ],
    },
    panels: [...analyticsPanels.map(panel), upliftPlaceholder(analyticsPanels.length)],
  };
}
