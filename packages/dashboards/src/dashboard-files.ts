import { join } from "node:path";
import { analyticsDashboard } from "./analytics-dashboard";
import { operationsDashboard } from "./operations-dashboard";

/** Where the dashboards a user drops into Grafana live. */
export const dashboardsDir = join(import.meta.dirname, "..", "..", "..", "infra", "grafana", "dashboards");

/** infra/grafana/dashboards/<file> → its JSON, as committed (`npm run dashboards` writes them). */
export function dashboardFiles(): Record<string, string> {
  return {
    "cx-analytics.json": `${JSON.stringify(analyticsDashboard(), null, 2)}\n`,
    "cx-operations.json": `${JSON.stringify(operationsDashboard(), null, 2)}\n`,
  };
}
