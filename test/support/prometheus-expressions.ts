import { readFileSync } from "node:fs";
import { join } from "node:path";
import { operationsPanels } from "@cx/dashboards";
import { parse } from "yaml";
import { repositoryRoot } from "./run-command";

export const prometheusDir = join(repositoryRoot, "infra", "prometheus");
export const alertRulesFile = join(prometheusDir, "rules", "cx-alerts.yml");

/** Grafana puts a duration in place of $__rate_interval before Prometheus sees the query. */
export const asPrometheusSees = (expr: string) => expr.replaceAll("$__rate_interval", "1m");

/** Every PromQL expression of the operations dashboard, as Prometheus receives it. */
export function dashboardExpressions(): string[] {
  return operationsPanels.flatMap((panel) => panel.targets.map((target) => asPrometheusSees(target.expr)));
}

/** Every alert rule's expression. */
export function alertExpressions(): string[] {
  const rules = parse(readFileSync(alertRulesFile, "utf8")) as { groups: { rules: { expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

/** The cx_ metric names the dashboards and the alerts use (histogram series with their suffix). */
export function usedMetricNames(): string[] {
  const names = [...dashboardExpressions(), ...alertExpressions()].flatMap(
    (expr) => expr.match(/\bcx_\w+/g) ?? [],
  );
  return [...new Set(names)].sort();
}

/** A histogram's series (`_bucket`, `_sum`, `_count`) belong to the metric without the suffix. */
export const baseMetricName = (name: string, histograms: ReadonlySet<string>) => {
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return histograms.has(base) ? base : name;
};
