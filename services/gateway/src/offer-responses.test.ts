import { loadContract } from "@cx/contracts";
import { createAvroCodec, createSchemaRegistry, deadLetterHeaders } from "@cx/kafka";
import type { OfferResponseRecord } from "@cx/offers";
import { collectTopic, type TopicCollector } from "@cx/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayEnv } from "./config";
import { auth, gatewayEnv, json, marketingAuth, samples, startGateway } from "./test-gateway";
import type { TouchpointWriter } from "./touchpoint-writer";

const customerId = `cus_${"c".repeat(20)}`;
const decisionId = (hash: string) => `dec_${hash.repeat(24)}_${customerId}`;

describe("offer outcomes reported over HTTP by marketing tools", () => {
  let env: GatewayEnv;
  let app: FastifyInstance;
  let writer: TouchpointWriter;
  let responses: TopicCollector;
  let deadLetters: TopicCollector;
  const post = (url: string, payload: unknown, headers: Record<string, string> = marketingAuth) =>
    app.inject({ method: "POST", url, headers: { ...headers, ...json }, payload: JSON.stringify(payload) });

  beforeAll(async () => {
    env = gatewayEnv();
    let kafka: Awaited<ReturnType<typeof startGateway>>["kafka"];
    ({ app, writer, kafka } = await startGateway(env));
    responses = await collectTopic(kafka, env.OFFER_RESPONSES_TOPIC);
    deadLetters = await collectTopic(kafka, env.DEAD_LETTER_TOPIC);
  });
  afterAll(async () => {
    await responses?.stop();
    await deadLetters?.stop();
    await app?.close();
    await writer?.close();
  });

  it("takes an outcome by decision id alone and keys it by the customer the decision names", async () => {
    const answered = await post("/v1/offer-responses", {
      decisionId: decisionId("a"),
      outcome: "accepted",
      amount: 19.99,
      currency: "EUR",
      occurredAt: "2026-10-20T10:00:00Z",
    });
    expect(answered.statusCode, answered.body).toBe(202);
    expect(answered.json()).toEqual({ accepted: [decisionId("a")] });
    const message = await responses.find(
      (candidate) => String(candidate.key) === customerId,
      "the response on the topic",
    );
    const codec = await createAvroCodec<OfferResponseRecord>(
      createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      env.OFFER_RESPONSES_TOPIC,
      loadContract("offer-response").schema,
    );
    const decoded = await codec.decode(message.value as Buffer);
    expect(decoded.ok && decoded.value).toMatchObject({
      decisionId: decisionId("a"),
      customerId,
      outcome: "accepted",
      amount: { minor: 1999, currency: "EUR" },
      occurredAt: Date.parse("2026-10-20T10:00:00Z"),
      sourceSystem: "crm",
    });
  });

  it("takes marketing keys only, and marketing keys take nothing else", async () => {
    const withChannelKey = await post(
      "/v1/offer-responses",
      { decisionId: decisionId("b"), outcome: "ignored" },
      auth("store"),
    );
    expect(withChannelKey.statusCode).toBe(401);
    const onChannelRoute = await post("/v1/store/events", samples.store, marketingAuth);
    expect(onChannelRoute.statusCode).toBe(401);
  });

  it("refuses a decision id that names no customer with 400, and dead-letters it with the reason", async () => {
    const legacy = { decisionId: `dec_${"d".repeat(24)}`, outcome: "declined" };
    const refused = await post("/v1/offer-responses", legacy);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues).toEqual([
      expect.objectContaining({ path: "decisionId", message: expect.stringMatching(/names no customer/) }),
    ]);
    const letter = await deadLetters.find(
      (message) => String(message.value) === JSON.stringify(legacy),
      "the refused response's dead letter",
    );
    expect(String(letter.headers?.[deadLetterHeaders.reason])).toMatch(/^decisionId: names no customer/);
    expect(String(letter.headers?.[deadLetterHeaders.sourceChannel])).toBe("marketing");
  });

  it("judges a batch response by response: 207 with per-item results", async () => {
    const batch = await post("/v1/offer-responses/batch", {
      responses: [
        { decisionId: decisionId("e"), outcome: "declined" },
        { decisionId: decisionId("f"), outcome: "accepted", amount: 5 },
        { decisionId: decisionId("0"), outcome: "declined", amount: 5, currency: "EUR" },
        { decisionId: decisionId("1"), outcome: "maybe" },
      ],
    });
    expect(batch.statusCode, batch.body).toBe(207);
    const body = batch.json();
    expect(body).toMatchObject({ accepted: 1, rejected: 3 });
    expect(body.results.map((result: { status: string }) => result.status)).toEqual([
      "accepted",
      "rejected",
      "rejected",
      "rejected",
    ]);
    expect(body.results[0]).toMatchObject({ decisionId: decisionId("e") });
    expect(body.results[1].issues).toEqual([expect.objectContaining({ path: "currency" })]);
    expect(body.results[2].issues).toEqual([expect.objectContaining({ path: "amount" })]);
    expect(body.results[3].issues).toEqual([expect.objectContaining({ path: "outcome" })]);
  });
});
