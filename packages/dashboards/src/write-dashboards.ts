/** `npm run dashboards`: writes infra/grafana/dashboards/*.json from the builders (after changing a panel or a pack query). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { dashboardFiles, dashboardsDir } from "./dashboard-files";

for (const [file, json] of Object.entries(dashboardFiles())) {
  writeFileSync(join(dashboardsDir, file), json);
  console.log(`wrote infra/grafana/dashboards/${file}`);
}
