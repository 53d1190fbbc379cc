import type { ChartSpec } from "./chart-spec";
import { journeyPathsChart, serviceOutcomesChart, serviceTimesChart } from "./charts-journeys";
import { stageCountsChart, stageFlowChart } from "./charts-lifecycle";
import { acceptanceBySegmentChart, offerFunnelChart, suppressionsChart } from "./charts-offers";
import { concentrationChart, valueDecilesChart } from "./charts-value";

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly charts: readonly ChartSpec[];
}

/** The page's sections in reading order. */
export const reportSections: readonly ReportSection[] = [
  { id: "lifecycle", title: "Lifecycle", charts: [stageCountsChart, stageFlowChart] },
  { id: "value", title: "Value", charts: [valueDecilesChart, concentrationChart] },
  {
    id: "journeys",
    title: "Journeys and service",
    charts: [journeyPathsChart, serviceTimesChart, serviceOutcomesChart],
  },
  { id: "offers", title: "Offers", charts: [offerFunnelChart, acceptanceBySegmentChart, suppressionsChart] },
];
