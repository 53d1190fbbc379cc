import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardFiles, dashboardsDir } from "./dashboard-files";
import { grafanaSql } from "./grafana-sql";
import { expandGrafanaSql } from "./plugin-macros";

const context = {
  from: new Date("2014-11-12T11:45:26Z"),
  to: new Date("2015-11-12T11:45:26Z"),
  variables: { database: "cx" },
};

describe("the Grafana dashboards", () => {
  it("are committed exactly as the builders make them (npm run dashboards)", () => {
    for (const [file, json] of Object.entries(dashboardFiles()))
      expect(readFileSync(join(dashboardsDir, file), "utf8"), `${file}: run npm run dashboards`).toBe(json);
  });

  it("turn a pack query's period into the plugin's time-range macros and bind the rest", () => {
    const sql = grafanaSql(
      "-- what it answers\nSELECT x FROM {{database}}.t WHERE toDate(at) BETWEEN {from:Date} AND {to:Date}\n" +
        "AND d > {from:Date} LIMIT {limit:UInt32}",
      { limit: 7 },
    );
    expect(sql).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${variable} syntax, not a template
      "SELECT x FROM ${database}.t WHERE $__dateFilter(toDate(at))\nAND d > toDate($__fromTime) LIMIT 7",
    );
    expect(() => grafanaSql("SELECT {customer:String}")).toThrow(/binds no value for \{customer:String\}/);
  });
});

describe("the ClickHouse plugin's macros", () => {
  it("expand as grafana-clickhouse-datasource expands them", () => {
    expect(expandGrafanaSql("WHERE $__timeFilter(time)", context)).toBe(
      "WHERE time >= toDateTime(1415792726) AND time <= toDateTime(1447328726)",
    );
    expect(expandGrafanaSql("WHERE $__dateFilter(toDate(o.at)) AND x", context)).toBe(
      "WHERE toDate(o.at) >= toDate('2014-11-12') AND toDate(o.at) <= toDate('2015-11-12') AND x",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${variable} syntax, not a template
    expect(expandGrafanaSql("SELECT $__fromTime, $__toTime_ms FROM ${database}.t", context)).toBe(
      "SELECT toDateTime(1415792726), fromUnixTimestamp64Milli(1447328726000) FROM cx.t",
    );
  });

  it("refuse a macro the plugin does not have and a variable the dashboard does not set", () => {
    expect(() => expandGrafanaSql("WHERE $__unixEpochFilter(t)", context)).toThrow(
      /no macro \$__unixEpochFilter/,
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${variable} syntax, not a template
    expect(() => expandGrafanaSql("FROM ${schema}.t", context)).toThrow(
      /no value for the dashboard variable/,
    );
  });
});
