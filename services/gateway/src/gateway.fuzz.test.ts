import { readFileSync } from "node:fs";
import { createIdentifierHasher } from "@cx/channel-adapters";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { testPipelineVariables } from "@cx/testing";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayEnvSchema } from "./config";
import { buildGateway } from "./gateway-app";
import { createKafkaTouchpointWriter, type TouchpointWriter } from "./touchpoint-writer";

const secret = "f".repeat(30);
const channels = ["store", "phone", "web", "social"] as const;
const sampleFiles = {
  store: "store-receipt",
  phone: "call-record",
  web: "web-analytics",
  social: "social-webhook",
};
const samples = Object.fromEntries(
  channels.map((channel) => [
    channel,
    JSON.parse(
      readFileSync(
        new URL(
          `../../../packages/channel-adapters/src/samples/${sampleFiles[channel]}.json`,
          import.meta.url,
        ),
        "utf8",
      ),
    ),
  ]),
) as Record<(typeof channels)[number], Record<string, unknown>>;

/** A sample with one top-level field dropped or replaced by arbitrary JSON. */
const mutatedSample = (channel: (typeof channels)[number]) =>
  fc
    .record({
      key: fc.constantFrom(...Object.keys(samples[channel])),
      value: fc.option(fc.jsonValue(), { nil: undefined }),
    })
    .map(({ key, value }) => {
      const copy: Record<string, unknown> = { ...samples[channel] };
      if (value === undefined) delete copy[key];
      else copy[key] = value;
      return copy;
    });

describe("gateway under random and mutated payloads", () => {
  let app: FastifyInstance;
  let writer: TouchpointWriter;

  beforeAll(async () => {
    const env = gatewayEnvSchema.parse({
      ...testPipelineVariables(),
      KAFKA_PARTITIONS: "1",
      GATEWAY_API_KEYS: channels.map((channel) => `fuzz-${channel}:${channel}:${channel}${secret}`).join(","),
      IDENTIFIER_HASH_KEY: "k".repeat(32),
      GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000",
    });
    const logger = createLogger("gateway-fuzz", "silent");
    writer = await createKafkaTouchpointWriter(
      createKafka(env, logger),
      createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      env,
    );
    app = await buildGateway({
      env,
      writer,
      hasher: createIdentifierHasher(env.IDENTIFIER_HASH_KEY, "DE"),
      logger,
    });
  });
  afterAll(async () => {
    await app?.close();
    await writer?.close();
  });

  it("answers every payload with 202, or 400 and a reason, never a crash", async () => {
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.string({ unit: "binary" }),
      ...channels.map((channel) => mutatedSample(channel)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), payload, async (channel, body) => {
        const response = await app.inject({
          method: "POST",
          url: `/v1/${channel}/events`,
          headers: { authorization: `Bearer ${channel}${secret}`, "content-type": "application/json" },
          payload: typeof body === "string" ? body : JSON.stringify(body),
        });
        expect([202, 400]).toContain(response.statusCode);
        if (response.statusCode === 400) expect(response.json().error).toEqual(expect.any(String));
      }),
      { numRuns: 1500, seed: 20261123 },
    );
  });
});
