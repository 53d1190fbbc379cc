/**
 * Writes the README's picture of the report: `npx tsx test/support/report-screenshot.ts
 * .data/report.html docs/report.png` after `npm start` (the same browser path as the report test).
 */
import { openReport } from "./report-browser";

const [file = ".data/report.html", out = "docs/report.png"] = process.argv.slice(2);
const rendered = await openReport(file, out);
if (rendered.problems.length > 0) throw new Error(rendered.problems.join("\n"));
console.log(`${out}: ${rendered.charts.length} charts`);
