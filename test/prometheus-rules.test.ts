import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PipelineMetrics } from "@cx/observability";
import { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  alertRulesFile,
  baseMetricName,
  dashboardExpressions,
  prometheusDir,
  usedMetricNames,
} from "./support/prometheus-expressions";
import { requireSystemTool } from "./support/system-tools";

const scratch = mkdtempSync(join(tmpdir(), "cx-promtool-"));

function promtool(...args: string[]) {
  const result = spawnSync(requireSystemTool("promtool"), args, { encoding: "utf8" });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Expressions as recording rules, so promtool parses and checks each one. */
function checkExpressions(expressions: string[]) {
  const file = join(scratch, `expressions-${expressions.length}-${Date.now()}.yml`);
  const rules = expressions.map((expr, index) => ({ record: `cx_dashboard_check_${index}`, expr }));
  writeFileSync(file, stringify({ groups: [{ name: "dashboard-expressions", rules }] }));
  return promtool("check", "rules", file);
}

describe("Prometheus files (promtool)", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("prometheus.yml and the alert rules pass promtool check", () => {
    const config = promtool("check", "config", join(prometheusDir, "prometheus.yml"));
    expect(config.code, config.output).toBe(0);
    const rules = promtool("check", "rules", alertRulesFile);
    expect(rules.code, rules.output).toBe(0);
    expect(rules.output).toContain("SUCCESS: 6 rules found");
  });

  it("the alert rules pass their unit tests (promtool test rules)", () => {
    const { code, output } = promtool("test", "rules", join(prometheusDir, "rules", "cx-alerts.test.yml"));
    expect(code, output).toBe(0);
    expect(output).toContain("SUCCESS");
  });

  it("every PromQL expression of the operations dashboard passes promtool, and a broken one would not", () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(10);
    const checked = checkExpressions(expressions);
    expect(checked.code, checked.output).toBe(0);
    const broken = checkExpressions(["sum by (stage (rate(cx_records_consumed_total[1m]))"]);
    expect(broken.code).not.toBe(0);
  });

  it("the dashboards and alerts use only cx_ metrics that packages/observability defines", async () => {
    const metrics = new PipelineMetrics(new Registry());
    const defined = await metrics.registry.getMetricsAsJSON();
    const histograms = new Set(
      defined.filter((metric) => String(metric.type) === "histogram").map((metric) => metric.name),
    );
    const names = new Set(defined.map((metric) => metric.name));
    const used = usedMetricNames();
    expect(used).toEqual(expect.arrayContaining(["cx_consumer_lag", "cx_ready", "cx_offer_decisions_total"]));
    for (const name of used) expect(names.has(baseMetricName(name, histograms)), name).toBe(true);
  });
});
