import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The browser build of Apache ECharts from node_modules, to be inlined into the page. */
export function readChartLibrary(): string {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
}
