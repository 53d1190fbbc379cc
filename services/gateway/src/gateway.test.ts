import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import {
  createAvroCodec,
  createSchemaRegistry,
  deadLetterHeaders,
  type KafkaMessage,
  type Transport,
} from "@cx/kafka";
import { startLocalKafka } from "@cx/local-servers";
import { collectTopic, readTopic, type TopicCollector } from "@cx/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayEnv } from "./config";
import { auth, gatewayEnv, json, samples, startGateway } from "./test-gateway";
import type { TouchpointWriter } from "./touchpoint-writer";

/** JSON arrays nested `levels` deep, written out (JSON.stringify itself cannot go that deep). */
const nestedJson = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("ingest gateway against the real broker and registry", () => {
  let env: GatewayEnv;
  let app: FastifyInstance;
  let writer: TouchpointWriter;
  let kafka: Transport;
  let decode: (message: KafkaMessage) => Promise<Touchpoint>;
  let deadLetters: TopicCollector;
  const deadLetterOf = (value: Buffer | string) =>
    deadLetters.find(
      (message) => Buffer.compare(message.value as Buffer, Buffer.from(value)) === 0,
      "its dead letter",
    );

  beforeAll(async () => {
    env = gatewayEnv();
    ({ app, writer, kafka } = await startGateway(env));
    deadLetters = await collectTopic(kafka, env.DEAD_LETTER_TOPIC);
    const codec = await createAvroCodec<Touchpoint>(
      createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
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
    await deadLetters?.stop();
    await app?.close();
    await writer?.close();
  });

  it("turns each channel's native sample into canonical touchpoints in Kafka, without raw emails or phones", async () => {
    const accepted: string[] = [];
    for (const channel of ["store", "phone", "web", "social"] as const) {
      const response = await app.inject({
        method: "POST",
        url: `/v1/${channel}/events`,
        headers: { ...auth(channel), ...json },
        payload: samples[channel],
      });
      expect(response.statusCode, response.body).toBe(202);
      accepted.push(...response.json().accepted);
    }
    expect(accepted).toContain(`store:${samples.store.receiptId}`);
    expect(accepted).toContain(`phone:${samples.phone.callId}`);
    expect(accepted.filter((id) => id.startsWith("web:"))).toHaveLength(samples.web.hits.length);
    const messages = await readTopic(kafka, env.TOUCHPOINTS_TOPIC, accepted.length);
    const touchpoints = await Promise.all(messages.map(decode));
    expect(touchpoints.map((touchpoint) => touchpoint.eventId).sort()).toEqual([...accepted].sort());
    for (const touchpoint of touchpoints)
      expect(touchpoint.sourceSystem).toBe(`${touchpoint.channel}-system`);
    const everything = messages.map((message) => String(message.value)).join("\n");
    expect(everything).not.toContain(samples.web.userEmail);
    expect(everything).not.toContain("1234567");
  });

  it("accepts the same event twice (idempotent downstream on its event id)", async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await app.inject({
        method: "POST",
        url: "/v1/phone/events",
        headers: { ...auth("phone"), ...json },
        payload: samples.phone,
      });
      expect(response.statusCode).toBe(202);
      expect(response.json().accepted).toEqual([`phone:${samples.phone.callId}`]);
    }
  });

  it.each([
    ["no key", {}, "/v1/store/events", 401],
    ["an unknown key", { authorization: "Bearer not-a-key-not-a-key-not-a-key" }, "/v1/store/events", 401],
    ["another channel's key", auth("phone"), "/v1/store/events", 403],
    ["an unknown channel", auth("store"), "/v1/fax/events", 404],
  ])("refuses a request with %s", async (_name, headers, url, status) => {
    const response = await app.inject({
      method: "POST",
      url,
      headers: { ...headers, ...json },
      payload: samples.store,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toEqual(expect.any(String));
    if (status === 401) expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("refuses an oversize body with 413 and a non-JSON one with 415", async () => {
    const big = { ...samples.store, padding: "x".repeat(100 * 1024) };
    const oversize = await app.inject({
      method: "POST",
      url: "/v1/store/events",
      headers: { ...auth("store"), ...json },
      payload: big,
    });
    expect(oversize.statusCode).toBe(413);
    const text = await app.inject({
      method: "POST",
      url: "/v1/store/events",
      headers: { ...auth("store"), "content-type": "text/plain" },
      payload: "hello",
    });
    expect(text.statusCode).toBe(415);
  });

  it.each([
    ["malformed JSON", Buffer.from('{"receiptId": "R-1",'), /not valid JSON/],
    [
      "invalid UTF-8",
      Buffer.concat([Buffer.from('{"receiptId": "R-'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      /not valid UTF-8/,
    ],
  ])("answers %s with 400 and dead-letters the original bytes", async (_name, body, reason) => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/store/events",
      headers: { ...auth("store"), ...json },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(reason);
    const letter = await deadLetterOf(body);
    expect(String(letter.headers?.[deadLetterHeaders.reason])).toMatch(reason);
    expect(String(letter.headers?.[deadLetterHeaders.sourceSystem])).toBe("store-system");
    expect(String(letter.headers?.[deadLetterHeaders.failedAt])).toMatch(/^\d{4}-/);
  });

  it.each([
    ["a wrong type", { lines: [{ ...samples.store.lines[0], quantity: "one" }] }, "lines.0.quantity"],
    ["a NaN amount", { lines: [{ ...samples.store.lines[0], unitPrice: "NaN" }] }, "lines.0.unitPrice"],
    ["a future timestamp", { occurredAt: "2099-01-01T00:00:00Z" }, "occurredAt"],
    ["a lone surrogate", { receiptId: "R-\ud800" }, "receiptId"],
  ])(
    "rejects an event with %s: 400 naming the field, and a dead letter with the reason",
    async (_name, change, path) => {
      const payload = JSON.stringify({ ...samples.store, ...change });
      const response = await app.inject({
        method: "POST",
        url: "/v1/store/events",
        headers: { ...auth("store"), ...json },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(
        response
          .json()
          .issues.map((issue: { path: string }) => issue.path)
          .join(" "),
      ).toContain(path);
      const letter = await deadLetterOf(payload);
      expect(String(letter.headers?.[deadLetterHeaders.reason])).toContain(path);
    },
  );

  it("judges a batch event by event: 207 with per-item results, and 413 past the batch limit", async () => {
    const good = { ...samples.social, id: "batch-ok" };
    const bad = { ...samples.social, id: "batch-bad", sentiment: 7 };
    const response = await app.inject({
      method: "POST",
      url: "/v1/social/batch",
      headers: { ...auth("social"), ...json },
      payload: { events: [good, bad] },
    });
    expect(response.statusCode).toBe(207);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[0]).toEqual({
      index: 0,
      status: "accepted",
      eventIds: [`social:${good.network}:batch-ok`],
    });
    expect(body.results[1]).toMatchObject({
      index: 1,
      status: "rejected",
      issues: [expect.objectContaining({ path: "sentiment" })],
    });
    const letter = await deadLetterOf(JSON.stringify(bad));
    expect(String(letter.headers?.[deadLetterHeaders.reason])).toContain("sentiment");
    const tooMany = await app.inject({
      method: "POST",
      url: "/v1/social/batch",
      headers: { ...auth("social"), ...json },
      payload: { events: Array(21).fill(good) },
    });
    expect(tooMany.statusCode).toBe(413);
  });

  it("keeps the rest of a batch when one event nests 10,000 levels deep, and dead-letters that one", async () => {
    const first = { ...samples.social, id: "deep-batch-1" };
    const last = { ...samples.social, id: "deep-batch-3" };
    const response = await app.inject({
      method: "POST",
      url: "/v1/social/batch",
      headers: { ...auth("social"), ...json },
      payload: `{"events": [${JSON.stringify(first)}, {"id": "deep-batch-2", "text": ${nestedJson(10_000)}}, ${JSON.stringify(last)}]}`,
    });
    expect(response.statusCode, response.body).toBe(207);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[1]).toMatchObject({
      status: "rejected",
      issues: [{ path: "", message: "nests deeper than 20 levels" }],
    });
    const touchpoints = await collectTopic(kafka, env.TOUCHPOINTS_TOPIC);
    try {
      for (const id of ["deep-batch-1", "deep-batch-3"])
        await touchpoints.find((message) => String(message.value).includes(id), id);
    } finally {
      await touchpoints.stop();
    }
    const letter = await deadLetters.find(
      (message) => String(message.value).includes("deep-batch-2"),
      "the deep event's dead letter",
    );
    expect(String(letter.headers?.[deadLetterHeaders.reason])).toMatch(
      /nests deeper than 20 levels \(the dead letter holds its first 20 levels\)/,
    );
    expect(String(letter.headers?.[deadLetterHeaders.sourceSystem])).toBe("social-system");
  });

  it("rejects a single event nested 10,000 levels deep with 400 and dead-letters its bytes", async () => {
    const payload = `{"receiptId": "R-deep", "lines": ${nestedJson(10_000)}}`;
    const response = await app.inject({
      method: "POST",
      url: "/v1/store/events",
      headers: { ...auth("store"), ...json },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues).toEqual([{ path: "", message: "nests deeper than 20 levels" }]);
    const letter = await deadLetterOf(payload);
    expect(String(letter.headers?.[deadLetterHeaders.reason])).toBe("nests deeper than 20 levels");
  });

  it("limits each key's request rate with 429 and Retry-After", async () => {
    const limited = await startGateway(gatewayEnv({ GATEWAY_RATE_LIMIT_PER_MINUTE: "2" }));
    const post = () =>
      limited.app.inject({
        method: "POST",
        url: "/v1/store/events",
        headers: { ...auth("store"), ...json },
        payload: samples.store,
      });
    const statuses = [(await post()).statusCode, (await post()).statusCode];
    const third = await post();
    expect(statuses).toEqual([202, 202]);
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
    await limited.app.close();
    await limited.writer.close();
  });
});

describe("ingest gateway during a broker outage", () => {
  it("answers 503 while Kafka is down and loses nothing it acknowledged", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cx-outage-"));
    let broker = await startLocalKafka({ dataDir });
    const { port, controllerPort } = broker;
    const env = gatewayEnv({ KAFKA_BROKERS: broker.brokers.join(","), GATEWAY_KAFKA_TIMEOUT_MS: "2000" });
    const { app, writer, kafka } = await startGateway(env);
    const post = (id: string) =>
      app.inject({
        method: "POST",
        url: "/v1/social/events",
        headers: { ...auth("social"), ...json },
        payload: { ...samples.social, id },
      });
    const acknowledged: string[] = [];
    try {
      const before = await post("before-outage");
      expect(before.statusCode).toBe(202);
      acknowledged.push(...before.json().accepted);

      await broker.stop(0);
      const during = await post("during-outage");
      expect(during.statusCode).toBe(503);
      expect(during.headers["retry-after"]).toBeDefined();

      broker = await startLocalKafka({ dataDir, port, controllerPort });
      const after = await post("after-outage");
      expect(after.statusCode).toBe(202);
      acknowledged.push(...after.json().accepted);

      const messages = await readTopic(kafka, env.TOUCHPOINTS_TOPIC, acknowledged.length);
      const keys = messages.map((message) => String(message.value));
      for (const id of ["before-outage", "after-outage"])
        expect(keys.some((value) => value.includes(id))).toBe(true);
    } finally {
      await app.close();
      await writer.close().catch(() => undefined);
      await broker.stop(0);
    }
  });
});
