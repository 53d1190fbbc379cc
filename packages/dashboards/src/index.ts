export { analyticsDashboard, analyticsPanels } from "./analytics-dashboard";
export { dashboardFiles, dashboardsDir } from "./dashboard-files";
export { grafanaSql } from "./grafana-sql";
export { operationsDashboard, operationsPanels } from "./operations-dashboard";
export { expandGrafanaSql, type GrafanaQueryContext } from "./plugin-macros";
