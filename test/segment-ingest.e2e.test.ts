import { createIdentifierHasher } from "@cx/channel-adapters";
import { type ClickHouse, migrate } from "@cx/clickhouse";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import {
  buildGateway,
  createKafkaTouchpointWriter,
  type GatewayEnv,
  gatewayEnvSchema,
  segmentEnvSchema,
  type TouchpointWriter,
} from "@cx/gateway";
import {
  consumerLag,
  createAvroCodec,
  createKafka,
  createSchemaRegistry,
  deadLetterHeaders,
  type KafkaMessage,
  type Transport,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { type Sink, sinkEnvSchema, startSink } from "@cx/sink";
import {
  collectTopic,
  freshClickHouse,
  type TopicCollector,
  testPipelineVariables,
  uniqueName,
  waitFor,
} from "@cx/testing";
import { Analytics } from "@segment/analytics-node";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const logger = createLogger("segment-e2e", "warn");
const writeKey = "wk".repeat(16);
const hasher = createIdentifierHasher("k".repeat(32), "DE");

describe("Segment clients through the gateway into Kafka and ClickHouse", () => {
  let env: GatewayEnv;
  let kafka: Transport;
  let app: FastifyInstance;
  let writer: TouchpointWriter;
  let sink: Sink;
  let clickhouse: ClickHouse;
  let touchpoints: TopicCollector;
  let deadLetters: TopicCollector;
  let host: string;
  let decode: (message: KafkaMessage) => Promise<Touchpoint>;
  const sinkGroup = uniqueName("sink");

  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${host}${path}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
  const touchpointOf = async (eventId: string) => {
    const found = await Promise.all(touchpoints.messages.map(decode));
    return found.find((touchpoint) => touchpoint.eventId === eventId);
  };
  const waitForTouchpoint = (eventId: string) =>
    waitFor(
      () => touchpointOf(eventId),
      (found) => found !== undefined,
      { what: eventId },
    ) as Promise<Touchpoint>;
  const header = (message: KafkaMessage, name: keyof typeof deadLetterHeaders) =>
    String(message.headers?.[deadLetterHeaders[name]]);
  const deadLetterWith = (text: string) =>
    deadLetters.find(
      (message) => (message.value?.toString("utf8") ?? "").includes(text),
      `dead letter with ${text}`,
    );

  beforeAll(async () => {
    const variables = { ...testPipelineVariables(), SINK_GROUP_ID: sinkGroup };
    env = gatewayEnvSchema.parse({
      ...variables,
      GATEWAY_API_KEYS: `till:store:${"s".repeat(30)}`,
      IDENTIFIER_HASH_KEY: "k".repeat(32),
    });
    kafka = createKafka(env, logger);
    const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
    writer = await createKafkaTouchpointWriter(kafka, registry, env);
    app = await buildGateway({
      env,
      writer,
      hasher,
      logger,
      segment: segmentEnvSchema.parse({
        SEGMENT_WRITE_KEYS: `website:web:${writeKey}`,
        SEGMENT_DEFAULT_CURRENCY: "EUR",
      }),
    });
    host = await app.listen({ host: "127.0.0.1", port: 0 });
    clickhouse = freshClickHouse("segment");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({ ...variables, CLICKHOUSE_DATABASE: clickhouse.database });
    sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    touchpoints = await collectTopic(kafka, env.TOUCHPOINTS_TOPIC);
    deadLetters = await collectTopic(kafka, env.DEAD_LETTER_TOPIC);
    const codec = await createAvroCodec<Touchpoint>(
      registry,
      env.TOUCHPOINTS_TOPIC,
      touchpointContract.schema,
    );
    decode = async (message) => {
      const result = await codec.decode(message.value as Buffer);
      if (!result.ok) throw new Error(result.reason);
      return result.value;
    };
  });

  afterAll(async () => {
    await touchpoints?.stop();
    await deadLetters?.stop();
    await sink?.stop();
    await app?.close();
    await writer?.close();
    await clickhouse?.client.close();
  });

  it("takes identify, an Order Completed with products, page and a batch from @segment/analytics-node, once per messageId", async () => {
    const analytics = new Analytics({ writeKey, host, flushAt: 3, flushInterval: 200, maxRetries: 2 });
    const failures: unknown[] = [];
    analytics.on("error", (error) => failures.push(error));
    analytics.identify({
      messageId: "id-1",
      userId: "L0001234",
      anonymousId: "anon-1",
      traits: { email: "Ann@Example.com", firstName: "Ann", plan: "gold" },
    });
    analytics.track({
      messageId: "order-1",
      userId: "L0001234",
      event: "Order Completed",
      properties: {
        order_id: "O-1",
        total: 49.49,
        discount: 5,
        currency: "EUR",
        products: [
          { product_id: "CABLE-USB-C-2M", price: 19.99, quantity: 1 },
          { product_id: "CASE-PX9", price: 29.5, quantity: 1 },
        ],
      },
    });
    analytics.page({
      messageId: "page-1",
      anonymousId: "anon-1",
      name: "Cables",
      properties: { path: "/cables?q=x" },
    });
    analytics.track({
      messageId: "cart-1",
      anonymousId: "anon-1",
      event: "Product Added",
      properties: { sku: "CASE-PX9", price: 29.5 },
    });
    await analytics.closeAndFlush();
    expect(failures).toEqual([]);

    const identify = await waitForTouchpoint("segment:website:id-1");
    expect(identify).toMatchObject({
      channel: "web",
      type: "other",
      sourceSystem: "website",
      identifiers: { loyaltyId: "L0001234", deviceId: "anon-1", emailHash: hasher.email("ann@example.com") },
      attributes: { segmentCall: "identify", "trait.plan": "gold" },
    });
    expect(JSON.stringify(identify)).not.toMatch(/Ann|example\.com/);
    expect(await waitForTouchpoint("segment:website:order-1")).toMatchObject({
      type: "purchase",
      amount: { minor: 4949, currency: "EUR", discountMinor: 500 },
      lineItems: [
        { sku: "CABLE-USB-C-2M", quantity: 1, unitPriceMinor: 1999 },
        { sku: "CASE-PX9", quantity: 1, unitPriceMinor: 2950 },
      ],
    });
    expect(await waitForTouchpoint("segment:website:page-1")).toMatchObject({
      type: "page_view",
      attributes: { path: "/cables", page: "Cables" },
    });
    expect((await waitForTouchpoint("segment:website:cart-1")).type).toBe("cart");

    // The same order again, as a client retrying after a lost answer would send it.
    const again = new Analytics({ writeKey, host, flushAt: 1, maxRetries: 0 });
    again.track({
      messageId: "order-1",
      userId: "L0001234",
      event: "Order Completed",
      properties: { total: 49.49, currency: "EUR" },
    });
    await again.closeAndFlush();
    // The gateway passed it on (at-least-once is the clients' contract); the sink counts it once.
    await waitFor(
      async () =>
        (await Promise.all(touchpoints.messages.map(decode))).filter(
          (each) => each.eventId === "segment:website:order-1",
        ).length,
      (copies) => copies === 2,
      { what: "the re-sent order on the touchpoints topic" },
    );
    const ids = [
      "segment:website:id-1",
      "segment:website:order-1",
      "segment:website:page-1",
      "segment:website:cart-1",
    ];
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      () => consumerLag(admin, sinkGroup, env.TOUCHPOINTS_TOPIC),
      (lag) => lag === 0,
      { what: "sink to catch up" },
    );
    await admin.disconnect();
    const rows = await clickhouse.client.query({
      query: `SELECT event_id, type, count() AS n FROM ${clickhouse.table("touchpoints")} WHERE event_id IN {ids:Array(String)} GROUP BY event_id, type ORDER BY event_id`,
      query_params: { ids },
      format: "JSONEachRow",
    });
    expect(await rows.json()).toEqual([
      { event_id: "segment:website:cart-1", type: "cart", n: "1" },
      { event_id: "segment:website:id-1", type: "other", n: "1" },
      { event_id: "segment:website:order-1", type: "purchase", n: "1" },
      { event_id: "segment:website:page-1", type: "page_view", n: "1" },
    ]);
  });

  it("answers bad calls as documented and dead-letters what an authenticated source sent", async () => {
    const call = (extra: object) => JSON.stringify({ event: "Signed Up", anonymousId: "a", ...extra });
    const noKey = await post("/v1/track", call({ messageId: "no-key" }));
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ success: false, message: "missing or unknown write key" });
    expect(
      (await post("/v1/track", call({ messageId: "wrong" }), { authorization: basic("x".repeat(32)) }))
        .status,
    ).toBe(401);
    expect(
      (await post("/v1/track", call({ messageId: "body-wrong", writeKey: "y".repeat(32) }))).status,
    ).toBe(401);

    const big = await post(
      "/v1/track",
      call({ messageId: "big", properties: { blob: "z".repeat(33 * 1024) } }),
      {
        authorization: basic(writeKey),
      },
    );
    expect(big.status).toBe(400);
    expect(((await big.json()) as { message: string }).message).toMatch(
      /over Segment's limit of 32768 bytes/,
    );
    const bigLetter = await deadLetterWith('"messageId":"big"');
    expect(header(bigLetter, "reason")).toMatch(/over Segment's limit/);
    expect(header(bigLetter, "sourceSystem")).toBe("website");

    const malformed = await post("/v1/track", '{"event": "Signed Up", "anonymousId": ', {
      authorization: basic(writeKey),
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/not valid JSON/);
    expect(header(await deadLetterWith('{"event": "Signed Up", "anonymousId": '), "reason")).toMatch(
      /not valid JSON/,
    );

    // Segment answers success for a call it cannot use; the call is on the dead-letter topic.
    const anonymous = await post(
      "/v1/track",
      JSON.stringify({ event: "Signed Up", messageId: "nobody", writeKey }),
      {
        "content-type": "text/plain",
      },
    );
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ success: true });
    const nobody = await deadLetterWith('"messageId":"nobody"');
    expect(header(nobody, "reason")).toBe("userId: userId or anonymousId is required");
    expect(nobody.value?.toString()).not.toContain(writeKey);
  });

  it("serves analytics.js its settings and answers browsers' CORS preflight", async () => {
    const settings = await fetch(`${host}/v1/projects/${writeKey}/settings`, {
      headers: { origin: "https://shop.example" },
    });
    expect(settings.status).toBe(200);
    expect(settings.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    const body = (await settings.json()) as {
      integrations: Record<string, { apiKey: string; apiHost: string }>;
    };
    expect(body.integrations["Segment.io"]).toMatchObject({
      apiKey: writeKey,
      apiHost: `${new URL(host).host}/v1`,
    });
    expect((await fetch(`${host}/v1/projects/${"n".repeat(32)}/settings`)).status).toBe(404);
    const preflight = await fetch(`${host}/v1/t`, {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
  });
});
