import { baseOption, type ChartSpec, numberOf, textOf } from "./chart-spec";
import { journeyPathLimit } from "./report-data";

export const journeyPathsChart: ChartSpec = {
  id: "journey-paths",
  title: "Most common journeys across channels",
  shows: `The ${journeyPathLimit} commonest sequences of channels customers used (repeats collapsed) and how many customers took each, over all time.`,
  query: "journey-paths",
  option: (rows) => {
    if (rows.length === 0) return undefined;
    const commonestFirst = [...rows].reverse(); // a category axis draws its first entry at the bottom
    return baseOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      // The name under the axis and few ticks: beside it, or with more, the labels ran into each other.
      xAxis: { type: "value", name: "customers", nameLocation: "middle", nameGap: 28, splitNumber: 3 },
      yAxis: { type: "category", data: commonestFirst.map((row) => textOf(row, "channel_path")) },
      series: [
        { name: "customers", type: "bar", data: commonestFirst.map((row) => numberOf(row, "customers")) },
      ],
    });
  },
};

export const serviceTimesChart: ChartSpec = {
  id: "service-times",
  title: "Waits and handling by channel",
  shows:
    "Average wait before a customer was served and average handling time per channel in the period, in seconds.",
  query: "service-by-channel",
  option: (rows) => {
    const timed = rows.filter(
      (row) => numberOf(row, "average_wait_seconds") > 0 || numberOf(row, "average_handle_seconds") > 0,
    );
    if (timed.length === 0) return undefined;
    return baseOption({
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: timed.map((row) => textOf(row, "channel")) },
      yAxis: { type: "value", name: "seconds" },
      series: [
        {
          name: "average wait",
          type: "bar",
          data: timed.map((row) => numberOf(row, "average_wait_seconds")),
        },
        {
          name: "average handling",
          type: "bar",
          data: timed.map((row) => numberOf(row, "average_handle_seconds")),
        },
      ],
    });
  },
};

export const serviceOutcomesChart: ChartSpec = {
  id: "service-outcomes",
  title: "Complaints, resolutions and NPS by channel",
  shows:
    "Complaints and resolved service contacts per channel in the period (bars), with the average NPS answer (line, 0–10).",
  query: "service-by-channel",
  option: (rows) => {
    const served = rows.filter(
      (row) => numberOf(row, "complaints") + numberOf(row, "resolved") + numberOf(row, "nps_answers") > 0,
    );
    if (served.length === 0) return undefined;
    return baseOption({
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: served.map((row) => textOf(row, "channel")) },
      yAxis: [
        { type: "value", name: "contacts" },
        { type: "value", name: "NPS", min: 0, max: 10, splitLine: { show: false } },
      ],
      series: [
        { name: "complaints", type: "bar", data: served.map((row) => numberOf(row, "complaints")) },
        { name: "resolved", type: "bar", data: served.map((row) => numberOf(row, "resolved")) },
        {
          name: "average NPS",
          type: "line",
          yAxisIndex: 1,
          // No answers on a channel: no point, rather than a misleading 0.
          data: served.map((row) => (numberOf(row, "nps_answers") > 0 ? numberOf(row, "average_nps") : null)),
        },
      ],
    });
  },
};
