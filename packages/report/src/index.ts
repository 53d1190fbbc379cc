export { readChartLibrary } from "./chart-library";
export { dataState, headlineFigures } from "./figures";
export { loadReportData, periodHeld } from "./load-report-data";
export { renderReport } from "./render-report";
export {
  journeyPathLimit,
  type ReportData,
  type ReportPeriod,
  type ReportQueryName,
  reportQueries,
} from "./report-data";
export { reportSections } from "./sections";
export { type WriteReportOptions, writeReport } from "./write-report";
