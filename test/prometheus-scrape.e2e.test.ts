import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka, kafkaEnvSchema } from "@cx/kafka";
import { freePort } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { testStageVariables, waitFor } from "@cx/testing";
import { ensurePipelineTopics, pipelineTopicsEnvSchema } from "@cx/topics";
import { afterAll, describe, expect, it } from "vitest";
import { usedMetricNames } from "./support/prometheus-expressions";
import { startPrometheus, templatedPrometheusConfig } from "./support/prometheus-server";
import { ServiceProcess } from "./support/service-process";

const dir = mkdtempSync(join(tmpdir(), "cx-prometheus-scrape-"));
const services = ["gateway", "enricher", "offers", "sink", "dispatcher"] as const;
const running: ServiceProcess[] = [];
let stopPrometheus: (() => Promise<void>) | undefined;

describe("Prometheus with the shipped prometheus.yml, against the running services", () => {
  afterAll(async () => {
    await stopPrometheus?.();
    await Promise.all(running.map((service) => service.kill("SIGTERM")));
    rmSync(dir, { recursive: true, force: true });
  });

  it("scrapes every service, loads the alert rules and knows every cx_ metric the dashboards and alerts use", async () => {
    const variables = {
      ...testStageVariables(),
      CLICKHOUSE_DATA_DIR: join(dir, "clickhouse"),
      GATEWAY_PORT: "0",
      GATEWAY_API_KEYS: `till:store:${"s".repeat(30)}`,
      IDENTIFIER_HASH_KEY: "k".repeat(32),
    };
    const env = { ...kafkaEnvSchema.parse(variables), ...pipelineTopicsEnvSchema.parse(variables) };
    const kafka = createKafka(env, createLogger("prometheus-scrape-test", "warn"));
    await ensurePipelineTopics(kafka, env);

    const ports: Record<string, number> = {};
    for (const name of services) {
      const port = await freePort();
      ports[`cx-${name}`] = port;
      const service = new ServiceProcess(
        name,
        { ...variables, METRICS_PORT: String(port) },
        join(dir, `${name}.log`),
      );
      service.start();
      running.push(service);
    }
    const prometheus = await startPrometheus(join(dir, "prometheus"), templatedPrometheusConfig(ports));
    stopPrometheus = prometheus.stop;

    type Targets = { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    const targets = await waitFor(
      () => prometheus.api<Targets>("targets").catch(() => ({ activeTargets: [] }) as Targets),
      (found) =>
        found.activeTargets.length === services.length &&
        found.activeTargets.every((target) => target.health === "up"),
      {
        timeoutMs: 120_000,
        intervalMs: 1000,
        what: `every service scraped (Prometheus log: ${prometheus.log()})`,
      },
    );
    expect(targets.activeTargets.map((target) => target.labels.job).sort()).toEqual(
      Object.keys(ports).sort(),
    );

    type Rules = { groups: { rules: { name: string; health: string }[] }[] };
    const rules = await prometheus.api<Rules>("rules");
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.name)).toEqual(
      expect.arrayContaining(["CxConsumerLagGrowing", "CxServiceNotReady"]),
    );
    expect(alerts).toHaveLength(6);

    // A metric is known from its scrape (HELP and TYPE) even before it has a sample: dead letters
    // and retries have none in a quiet run, yet the dashboards must name metrics that exist.
    const known = await prometheus.api<Record<string, unknown[]>>("metadata");
    const missing = usedMetricNames()
      .map((name) => name.replace(/_(bucket|sum|count)$/, ""))
      .filter((name) => !(name in known));
    expect(missing).toEqual([]);

    type Vector = { result: { metric: { job: string }; value: [number, string] }[] };
    const ready = await waitFor(
      () => prometheus.api<Vector>("query?query=cx_ready"),
      (found) => found.result.length === services.length,
      { timeoutMs: 30_000, intervalMs: 1000, what: "cx_ready from every service" },
    );
    expect(ready.result.map((series) => series.metric.job).sort()).toEqual(Object.keys(ports).sort());
    for (const service of running) expect(service.unexpectedExits).toEqual([]);
  }, 240_000);
});
