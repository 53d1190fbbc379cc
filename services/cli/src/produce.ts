import { readFileSync } from "node:fs";
import type { Touchpoint } from "@cx/contracts";
import { createKafka, createSchemaRegistry, kafkaEnvSchema } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { createProgress } from "@cx/pipeline";
import { pipelineTopicsEnvSchema } from "@cx/topics";
import { createWorkload, startOfTodayUtc } from "@cx/workload";
import { createTouchpointPublisher } from "@cx/workload-publisher";
import { z } from "zod";
import { commandEnv, requireBroker } from "./command-env";
import { readTouchpointFile } from "./touchpoint-file";
import { UsageError } from "./usage-error";

const produceEnvSchema = z.object({ ...kafkaEnvSchema.shape, ...pipelineTopicsEnvSchema.shape });
const dayMs = 24 * 60 * 60 * 1000;

export interface ProduceOptions {
  file?: string;
  customers: string;
  days: string;
  seed: string;
  gateway?: string;
  channel?: string;
  apiKey?: string;
  batch: string;
}

const whole = (name: string, value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} must be a whole number ≥ 1, not ${value}`);
  return number;
};

/** How far a stream has come: `total` units, and the units done once `sent` touchpoints ending in `last` are out. */
export interface StreamScale {
  readonly total: number;
  readonly unit: string;
  position(last: Touchpoint, sent: number): number;
}

/** A file's touchpoints, counted one by one. */
export const countedScale = (total: number): StreamScale => ({
  total,
  unit: "touchpoints",
  position: (_last, sent) => sent,
});

/** Canonical touchpoints to the touchpoints topic, in chunks, with progress. */
export async function publishTouchpoints(touchpoints: Iterable<Touchpoint>, scale: StreamScale) {
  requireBroker();
  const env = commandEnv(produceEnvSchema);
  const kafka = createKafka(env, createLogger("cx", "error"));
  const publisher = await createTouchpointPublisher(
    kafka,
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env,
  );
  const progress = createProgress(scale.total, scale.unit);
  let sent = 0;
  let chunk: Touchpoint[] = [];
  const flush = async () => {
    const last = chunk.at(-1);
    sent += await publisher.publish(chunk);
    chunk = [];
    if (last) progress.update(scale.position(last, sent), sent);
  };
  try {
    for (const touchpoint of touchpoints) {
      chunk.push(touchpoint);
      if (chunk.length === 1000) await flush();
    }
    await flush();
  } finally {
    progress.stop();
    await publisher.close();
  }
  console.log(`sent ${sent} touchpoints to ${env.TOUCHPOINTS_TOPIC}`);
}

/** Native channel events (a JSON-lines file) to the gateway's batch endpoint, as a channel system would. */
async function postToGateway(url: string, channel: string, apiKey: string, file: string, batchSize: number) {
  const events = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new UsageError(`${file}:${index + 1} is not JSON: ${(error as Error).message}`);
      }
    });
  let accepted = 0;
  let rejected = 0;
  for (let start = 0; start < events.length; start += batchSize) {
    const response = await fetch(new URL(`/v1/${channel}/batch`, url), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: events.slice(start, start + batchSize) }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      results?: { status: string }[];
      error?: string;
    };
    if (
      response.status >= 500 ||
      response.status === 401 ||
      response.status === 403 ||
      response.status === 404
    )
      throw new Error(`the gateway answered ${response.status}: ${body.error ?? "no reason given"}`);
    for (const result of body.results ?? [])
      if (result.status === "accepted") accepted++;
      else rejected++;
  }
  console.log(
    `gateway accepted ${accepted} events, rejected ${rejected} (rejected ones are in the dead-letter topic)`,
  );
  if (rejected > 0) process.exitCode = 1;
}

/** What `cx produce` does: the gateway, a file or the generated workload. */
export async function runProduce(options: ProduceOptions): Promise<void> {
  if (options.gateway) {
    const apiKey = options.apiKey ?? process.env.CX_API_KEY;
    if (!options.file || !options.channel || !apiKey)
      throw new UsageError("--gateway needs --file, --channel and --api-key (or CX_API_KEY)");
    await postToGateway(
      options.gateway,
      options.channel,
      apiKey,
      options.file,
      whole("batch", options.batch),
    );
    return;
  }
  if (options.file) {
    const touchpoints = readTouchpointFile(options.file);
    await publishTouchpoints(touchpoints, countedScale(touchpoints.length));
    return;
  }
  const days = whole("days", options.days);
  const startAt = startOfTodayUtc() - days * dayMs;
  const workload = createWorkload({
    customers: whole("customers", options.customers),
    days,
    seed: Number(options.seed),
    startAt,
  });
  await publishTouchpoints(workload.touchpoints(), {
    total: days,
    unit: "days",
    position: (last) => Math.floor((last.occurredAt - startAt) / dayMs),
  });
}
