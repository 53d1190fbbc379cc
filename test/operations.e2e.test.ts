import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { enricherEnvSchema } from "@cx/enricher";
import { createKafka } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { sinkEnvSchema } from "@cx/sink";
import { testPipelineVariables, testServers, touchpointOnDay, uniqueName, waitFor } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { publishTouchpoints } from "./support/pipeline";

const logger = createLogger("operations-e2e", "warn");
const enricherMain = fileURLToPath(new URL("../services/enricher/src/main.ts", import.meta.url));
const gatewayMain = fileURLToPath(new URL("../services/gateway/src/main.ts", import.meta.url));
const sinkMain = fileURLToPath(new URL("../services/sink/src/main.ts", import.meta.url));

/** The sum of every series of `metric` whose labels include `labels`, from Prometheus text. */
function total(text: string, metric: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== metric) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([name, value]) => have[name] === value)) sum += Number(match[3]);
  }
  return sum;
}

/** A service's main as a child process, its JSON log lines collected, its endpoints at hand. */
function startServiceProcess(main: string, variables: Record<string, string>) {
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, ...variables },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (pending + chunk.toString("utf8")).split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // biome-ignore lint/suspicious/noExplicitAny: log lines are whatever the service wrote
  const logged = (): any[] => lines.flatMap((line) => (line.startsWith("{") ? [JSON.parse(line)] : []));
  let base: string | undefined;
  const listening = async () => {
    const entry = await waitFor(
      async () => logged().find((line) => line.metricsPort !== undefined),
      (found) => found !== undefined,
      { timeoutMs: 60_000, what: "the operations endpoints' port in the log" },
    );
    base = `http://127.0.0.1:${entry.metricsPort}`;
  };
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, text: await response.text() };
  };
  return { process: child, exited, lines, logged, listening, get };
}

describe("operations endpoints of services run as processes on the real broker", () => {
  it("the sink's: live, then ready, and counts records, dead letters, inserts and lag as they happen", async () => {
    const { clickhouseUrl } = testServers();
    const variables: Record<string, string> = {
      ...testPipelineVariables(), // METRICS_PORT=0: a free port, logged
      SINK_GROUP_ID: uniqueName("sink"),
      CLICKHOUSE_DATABASE: uniqueName("operations"),
      CLICKHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), "cx-operations-")),
      ...(clickhouseUrl ? { CLICKHOUSE_URL: clickhouseUrl } : {}),
      LOG_LEVEL: "debug",
    };
    const env = sinkEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const service = startServiceProcess(sinkMain, variables);
    const { get, lines, logged } = service;
    try {
      await service.listening();
      expect((await get("/health/live")).status).toBe(200);
      // Ready once migrated, started and joined its group.
      await waitFor(
        () => get("/health/ready"),
        (answer) => answer.status === 200,
        { timeoutMs: 90_000, what: "the sink to be ready" },
      );
      const before = (await get("/metrics")).text;
      expect(total(before, "cx_records_consumed_total", { topic: env.TOUCHPOINTS_TOPIC })).toBe(0);

      const secret = "LOYAL-OPS-7731"; // an identifier: must never reach a log line or a metric
      const touchpoints = [0, 1, 2, 3, 4, 5].map((day) =>
        touchpointOnDay(day, { identifiers: { loyaltyId: `${secret}-${day % 3}` } }),
      );
      await publishTouchpoints(kafka, env, touchpoints);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: env.TOUCHPOINTS_TOPIC,
        messages: [{ key: "x", value: "not avro at all" }],
      });
      await producer.disconnect();

      const after = await waitFor(
        async () => (await get("/metrics")).text,
        (text) =>
          total(text, "cx_records_consumed_total", { stage: "sink", topic: env.TOUCHPOINTS_TOPIC }) === 7,
        { timeoutMs: 60_000, what: "seven records counted" },
      );
      expect(total(after, "cx_dead_letters_total", { stage: "sink", reason: "not_avro" })).toBe(1);
      expect(
        total(after, "cx_batch_duration_seconds_count", { stage: "sink", topic: env.TOUCHPOINTS_TOPIC }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        total(after, "cx_clickhouse_insert_duration_seconds_count", { table: "touchpoints", outcome: "ok" }),
      ).toBeGreaterThanOrEqual(1);
      // Lag per partition of every topic the sink reads: three partitions each, all caught up.
      const lagLines = after
        .split("\n")
        .filter((line) => line.startsWith(`cx_consumer_lag{stage="sink",topic="${env.TOUCHPOINTS_TOPIC}"`));
      expect(lagLines).toHaveLength(3);
      expect(total(after, "cx_consumer_lag", { stage: "sink", topic: env.TOUCHPOINTS_TOPIC })).toBe(0);
      expect(after).not.toContain(secret);

      // One event can be followed: the batch line names topic, partition, offsets and the event ids.
      const eventIds = touchpoints.map((touchpoint) => touchpoint.eventId).sort();
      const batchLines = () =>
        logged().filter((entry) => entry.msg === "batch committed" && entry.topic === env.TOUCHPOINTS_TOPIC);
      const batches = await waitFor(
        async () => batchLines(),
        (found) => found.flatMap((batch) => batch.ids).length >= eventIds.length,
        { what: "the batch lines in the log" },
      );
      for (const batch of batches) {
        expect(batch).toEqual(
          expect.objectContaining({
            partition: expect.any(Number),
            firstOffset: expect.any(String),
            lastOffset: expect.any(String),
          }),
        );
      }
      expect(batches.flatMap((batch) => batch.ids).sort()).toEqual(eventIds);
      expect(lines.join("\n")).not.toContain(secret);
    } finally {
      service.process.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
  }, 180_000);

  it("the enricher's: both stages ready, records counted and lag back to zero, transactional commits included", async () => {
    const variables: Record<string, string> = {
      ...testPipelineVariables(),
      ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
      ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
      ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
    };
    const env = enricherEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const service = startServiceProcess(enricherMain, variables);
    try {
      await service.listening();
      await waitFor(
        () => service.get("/health/ready"),
        (answer) => answer.status === 200,
        { timeoutMs: 90_000, what: "the enricher to be ready" },
      );
      const touchpoints = [0, 1, 2, 3].map((day) =>
        touchpointOnDay(day, { identifiers: { loyaltyId: `L-ops-${day % 2}` } }),
      );
      await publishTouchpoints(kafka, env, touchpoints);
      const text = await waitFor(
        async () => (await service.get("/metrics")).text,
        (scraped) =>
          total(scraped, "cx_records_consumed_total", { stage: "enricher-profile" }) >= touchpoints.length &&
          total(scraped, "cx_consumer_lag", { stage: "enricher-identity" }) === 0 &&
          total(scraped, "cx_consumer_lag", { stage: "enricher-profile" }) === 0,
        { timeoutMs: 60_000, what: "both stages to have handled the touchpoints" },
      );
      expect(
        total(text, "cx_records_consumed_total", {
          stage: "enricher-identity",
          topic: env.TOUCHPOINTS_TOPIC,
        }),
      ).toBe(touchpoints.length);
      // The identity stage owns every partition of the touchpoints topic (one writer).
      expect(
        text
          .split("\n")
          .filter((line) =>
            line.startsWith(`cx_consumer_lag{stage="enricher-identity",topic="${env.TOUCHPOINTS_TOPIC}"`),
          ),
      ).toHaveLength(3);
      expect(text).not.toContain("L-ops-");
    } finally {
      service.process.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
  }, 150_000);

  it("the gateway's: ready once its producer is connected, and counts events per channel and outcome", async () => {
    const secret = "s".repeat(30);
    const service = startServiceProcess(gatewayMain, {
      ...testPipelineVariables(),
      GATEWAY_PORT: "0",
      GATEWAY_API_KEYS: `till:store:${secret}`,
      IDENTIFIER_HASH_KEY: "k".repeat(32),
      LOG_LEVEL: "debug",
    });
    try {
      await service.listening();
      await waitFor(
        () => service.get("/health/ready"),
        (answer) => answer.status === 200,
        { timeoutMs: 60_000, what: "the gateway to be ready" },
      );
      const { address } = await waitFor(
        async () => service.logged().find((entry) => entry.msg === "listening"),
        (entry) => entry !== undefined,
        { what: "the gateway's address in the log" },
      );
      const sample = JSON.parse(
        readFileSync(
          new URL("../packages/channel-adapters/src/samples/store-receipt.json", import.meta.url),
          "utf8",
        ),
      );
      const post = (body: unknown) =>
        fetch(`${address}/v1/store/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect((await post(sample)).status).toBe(202);
      expect((await post({ nothing: "useful" })).status).toBe(400);
      const text = (await service.get("/metrics")).text;
      expect(
        total(text, "cx_gateway_events_total", { channel: "store", outcome: "accepted" }),
      ).toBeGreaterThanOrEqual(1);
      expect(total(text, "cx_gateway_events_total", { channel: "store", outcome: "rejected" })).toBe(1);
      expect(total(text, "cx_dead_letters_total", { stage: "gateway", reason: "invalid" })).toBe(1);
      const ingested = await waitFor(
        async () => service.logged().find((entry) => entry.msg === "events ingested" && entry.rejected === 0),
        (entry) => entry !== undefined,
        { what: "the accepted event's log line" },
      );
      expect(ingested?.eventIds).toContain(`store:${sample.receiptId}`);
    } finally {
      service.process.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
  }, 120_000);

  it("stops with exit code 2 naming METRICS_PORT when it is not a port", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", sinkMain], {
      env: { ...process.env, METRICS_PORT: "99999" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('METRICS_PORT=\\"99999\\"');
  });
});
