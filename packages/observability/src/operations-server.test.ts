import { loadConfig } from "@cx/config";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { deadLetterCategory } from "./dead-letter-category";
import { PipelineMetrics } from "./metrics";
import { operationsEnvSchema } from "./operations-config";
import { type OperationsServer, startOperationsServer } from "./operations-server";
import { Readiness } from "./readiness";

let server: OperationsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start() {
  const metrics = new PipelineMetrics(new Registry());
  const readiness = new Readiness();
  server = await startOperationsServer({ port: 0, host: "127.0.0.1", metrics, readiness });
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server?.port}${path}`);
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  };
  return { metrics, readiness, get };
}

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("operations endpoints", () => {
  it("answers live at once and ready only while every registered part is ready", async () => {
    const { readiness, get } = await start();
    expect(server?.port).toBeGreaterThan(0);
    expect((await get("/health/live")).status).toBe(200);
    expect(await get("/health/ready")).toMatchObject({ status: 200, text: '{"status":"ready"}' });

    let consumer: string | undefined = "joining the group";
    const remove = readiness.register("consumer sink", () => consumer);
    readiness.register("service", () => undefined);
    const waiting = await get("/health/ready");
    expect(waiting.status).toBe(503);
    expect(JSON.parse(waiting.text)).toEqual({
      status: "not ready",
      reasons: { "consumer sink": "joining the group" },
    });

    consumer = undefined;
    expect((await get("/health/ready")).status).toBe(200);
    consumer = "crashed: broker gone";
    expect((await get("/health/ready")).status).toBe(503);
    remove();
    expect((await get("/health/ready")).status).toBe(200);
    expect((await get("/health/live")).status).toBe(200);
    expect((await get("/nothing")).status).toBe(404);
  });

  it("serves the counters, histograms and the lag read at scrape time in Prometheus text", async () => {
    const { metrics, get } = await start();
    metrics.recordsConsumed.inc({ stage: "sink", topic: "cx.touchpoints" }, 3);
    metrics.batchDuration.observe({ stage: "sink", topic: "cx.touchpoints" }, 0.02);
    metrics.observeClickHouseInsert(0.5, "cx_test.touchpoints");
    metrics.deadLetters.inc({
      stage: "sink",
      reason: deadLetterCategory("invalid: eventId: must not be empty"),
    });
    let lag = 7;
    const removeLag = metrics.addLagSource("sink", async () => [
      { topic: "cx.touchpoints", partition: 0, lag },
      { topic: "cx.touchpoints", partition: 1, lag: 0 },
    ]);
    metrics.addLagSource("broken", async () => {
      throw new Error("broker unreachable");
    });

    const scraped = await get("/metrics");
    expect(scraped.status).toBe(200);
    expect(scraped.type).toContain("text/plain");
    const text = scraped.text;
    expect(sample(text, 'cx_records_consumed_total{stage="sink",topic="cx.touchpoints"}')).toBe(3);
    expect(sample(text, 'cx_batch_duration_seconds_count{stage="sink",topic="cx.touchpoints"}')).toBe(1);
    expect(
      sample(text, 'cx_batch_duration_seconds_bucket{le="0.025",stage="sink",topic="cx.touchpoints"}'),
    ).toBe(1);
    expect(sample(text, 'cx_clickhouse_insert_duration_seconds_sum{table="touchpoints",outcome="ok"}')).toBe(
      0.5,
    );
    expect(sample(text, 'cx_dead_letters_total{stage="sink",reason="invalid"}')).toBe(1);
    expect(sample(text, 'cx_consumer_lag{stage="sink",topic="cx.touchpoints",partition="0"}')).toBe(7);
    expect(sample(text, 'cx_consumer_lag{stage="sink",topic="cx.touchpoints",partition="1"}')).toBe(0);
    expect(text).toContain("cx_process_cpu_seconds_total");

    lag = 2;
    const again = (await get("/metrics")).text;
    expect(sample(again, 'cx_consumer_lag{stage="sink",topic="cx.touchpoints",partition="0"}')).toBe(2);
    // Counted as the lag is read, so it shows from the scrape after the failed read on.
    expect(sample(again, 'cx_consumer_lag_refresh_failures_total{stage="broken"}')).toBeGreaterThanOrEqual(1);
    removeLag();
    // A consumer that stopped leaves no stale series behind.
    expect((await get("/metrics")).text).not.toContain('cx_consumer_lag{stage="sink"');
  });
});

describe("dead-letter reason categories", () => {
  it.each([
    ["empty value", "empty_value"],
    ["not in Confluent wire format (expected magic byte 0 and a schema id)", "not_avro"],
    ["unknown schema id 42", "undecodable"],
    ["undecodable with schema id 3: truncated buffer", "undecodable"],
    ["invalid: occurredAt: must not be in the future", "invalid"],
    ["body is not valid JSON: Unexpected token", "unreadable_body"],
    ["ClickHouse refused the row: Cannot parse input", "clickhouse_rejected"],
    ["identity command refused: unknown merge", "command_refused"],
    ["something nobody has seen before: cus_123", "other"],
  ])("%s → %s", (reason, category) => {
    expect(deadLetterCategory(reason)).toBe(category);
  });
});

describe("METRICS_PORT", () => {
  it("defaults per service, accepts 0 and names the variable when it is wrong", () => {
    expect(loadConfig(operationsEnvSchema(9104), {}).METRICS_PORT).toBe(9104);
    expect(loadConfig(operationsEnvSchema(9104), { METRICS_PORT: "0" }).METRICS_PORT).toBe(0);
    expect(() => loadConfig(operationsEnvSchema(9104), { METRICS_PORT: "99999" })).toThrow(
      /METRICS_PORT="99999"/,
    );
    expect(() => loadConfig(operationsEnvSchema(9104), { METRICS_PORT: "http" })).toThrow(
      /METRICS_PORT="http"/,
    );
  });
});
