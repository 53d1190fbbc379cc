import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dashboardsDir, expandGrafanaSql } from "@cx/dashboards";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "./support/run-command";
import { queryClickHouse } from "./support/service-process";

const dataDir = mkdtempSync(join(tmpdir(), "cx-dashboards-test-"));
const dayMs = 24 * 60 * 60 * 1000;

interface Panel {
  title: string;
  targets?: { datasource: { type: string }; rawSql?: string }[];
}

/** Every ClickHouse query of the committed analytics dashboard, by panel title. */
function clickhousePanels(): Record<string, string> {
  const dashboard = JSON.parse(readFileSync(join(dashboardsDir, "cx-analytics.json"), "utf8")) as {
    panels: Panel[];
  };
  return Object.fromEntries(
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? [])
        .filter((target) => target.datasource.type === "grafana-clickhouse-datasource")
        .map((target) => [panel.title, target.rawSql ?? ""]),
    ),
  );
}

describe("the analytics dashboard on ClickHouse", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("runs every panel's SQL, macros expanded as the plugin does, on the embedded engine after a demo run, with rows", async () => {
    const variables = {
      CLICKHOUSE_DATA_DIR: join(dataDir, "clickhouse"),
      CLICKHOUSE_DATABASE: "analytics",
    };
    const env: Record<string, string | undefined> = { ...process.env, ...variables };
    for (const name of ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "CLICKHOUSE_URL"]) delete env[name];
    const demo = await runCommand(["tsx", "services/pipeline/src/main.ts"], {
      ...env,
      PIPELINE_CUSTOMERS: "80",
      PIPELINE_DAYS: "30",
      PIPELINE_SEED: "11",
      KAFKA_PARTITIONS: "3",
      PIPELINE_REPORT_FILE: join(dataDir, "report.html"),
    });
    expect(demo.code, demo.output).toBe(0);

    // The dashboard's default range, now-90d to now, covers the demo's 30 days.
    const now = new Date();
    const context = {
      from: new Date(now.getTime() - 90 * dayMs),
      to: now,
      variables: { database: "analytics" },
    };
    const panels = clickhousePanels();
    expect(Object.keys(panels).length).toBeGreaterThanOrEqual(10);
    const expanded = Object.fromEntries(
      Object.entries(panels).map(([title, sql]) => [title, expandGrafanaSql(sql, context)]),
    );
    for (const sql of Object.values(expanded)) expect(sql).not.toMatch(/\$__|\$\{/);
    const results = await queryClickHouse(variables, expanded);
    for (const title of Object.keys(panels)) expect(results[title]?.length ?? 0, title).toBeGreaterThan(0);
  }, 300_000);
});
