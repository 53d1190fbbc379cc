import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouse, migrate } from "@cx/clickhouse";
import {
  type DispatcherEnv,
  dispatcherEnvSchema,
  type RunningDispatcher,
  startDispatcher,
} from "@cx/dispatcher";
import {
  createAvroCodec,
  createKafka,
  createSchemaRegistry,
  deadLetterHeaders,
  type KafkaMessage,
  type Transport,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { type Sink, sinkEnvSchema, startSink } from "@cx/sink";
import { type DeliveryRecord, dispatcherContracts } from "@cx/stage-records";
import {
  collectTopic,
  freshClickHouse,
  offerRecord,
  publishOffers,
  type TopicCollector,
  testStageVariables,
  waitFor,
} from "@cx/testing";
import { ensurePipelineTopics } from "@cx/topics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess } from "./support/service-process";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

const logger = createLogger("dispatcher-e2e", "warn");
const fastRetries = {
  DISPATCHER_RETRY_SCHEDULE: "100ms,100ms,100ms",
  DISPATCHER_TICK_MS: "50",
  DISPATCHER_ALLOWED_ADDRESS_RANGES: "loopback",
};

async function deliveryReader(kafka: Transport, env: DispatcherEnv) {
  const codec = await createAvroCodec<DeliveryRecord>(
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env.OFFER_DELIVERIES_TOPIC,
    dispatcherContracts.delivery.schema,
  );
  const collector = await collectTopic(kafka, env.OFFER_DELIVERIES_TOPIC);
  const records = async () =>
    Promise.all(
      collector.messages.map(async (message) => {
        const decoded = await codec.decode(message.value as Buffer);
        if (!decoded.ok) throw new Error(decoded.reason);
        return decoded.value;
      }),
    );
  return {
    collector,
    records,
    of: async (decisionId: string) => (await records()).filter((record) => record.decisionId === decisionId),
  };
}

describe("webhook delivery of offers", () => {
  let variables: Record<string, string>;
  let env: DispatcherEnv;
  let kafka: Transport;
  let tool: WebhookReceiver;
  let gone: WebhookReceiver;
  let dispatcher: RunningDispatcher;
  let sink: Sink;
  let clickhouse: ClickHouse;
  let deliveries: Awaited<ReturnType<typeof deliveryReader>>;
  let deadLetters: TopicCollector;
  const publish = (...offers: ReturnType<typeof offerRecord>[]) =>
    publishOffers(kafka, createSchemaRegistry(env.SCHEMA_REGISTRY_URL), env.OFFERS_TOPIC, offers);
  const deadLetterFor = (decisionId: string) =>
    deadLetters.find(
      (message: KafkaMessage) => message.key?.toString() === `c-${decisionId}`,
      `dead letter of ${decisionId}`,
    );

  beforeAll(async () => {
    // The e-mail tool fails twice for "flaky" decisions; the SMS tool has been switched off (410).
    tool = await startWebhookReceiver((id, nth) => (id.startsWith("flaky") && nth <= 2 ? 500 : 200));
    gone = await startWebhookReceiver(() => 410);
    const oldSecret = `whsec_${Buffer.alloc(32, 1).toString("base64")}`;
    variables = {
      ...testStageVariables(),
      ...fastRetries,
      DISPATCHER_ENDPOINTS: `email=${tool.url},sms=${gone.url}`,
      // Rotating the e-mail tool's secret: the new one is the receiver's, the old one still signs too.
      DISPATCHER_SIGNING_SECRETS: `email=${oldSecret}|${tool.secret},sms=${gone.secret}`,
    };
    env = dispatcherEnvSchema.parse(variables);
    kafka = createKafka(env, logger);
    clickhouse = freshClickHouse("dispatcher");
    await migrate(clickhouse, logger);
    dispatcher = await startDispatcher({
      kafka,
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      logger,
      env,
    });
    sink = await startSink({
      kafka,
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      clickhouse,
      logger,
      env: sinkEnvSchema.parse({ ...variables, CLICKHOUSE_DATABASE: clickhouse.database }),
    });
    deliveries = await deliveryReader(kafka, env);
    deadLetters = await collectTopic(kafka, env.DEAD_LETTER_TOPIC);
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await sink?.stop();
    await deliveries?.collector.stop();
    await deadLetters?.stop();
    await tool?.close();
    await gone?.close();
    await clickhouse?.client.close();
  });

  it("signs every delivery so that a standardwebhooks receiver verifies it, once per decision", async () => {
    const ids = ["ok-1", "ok-2", "ok-3", "ok-4"];
    await publish(...ids.map((id) => offerRecord(id, "email")));
    await waitFor(
      async () => ids.filter((id) => tool.acknowledged.get(id) === 1).length,
      (done) => done === ids.length,
      { what: "deliveries" },
    );
    const received = tool.received.filter((each) => ids.includes(each.id));
    expect(received.map((each) => each.verified)).toEqual(ids.map(() => true));
    expect(received[0]?.body).toMatchObject({
      type: "offer.decided",
      data: { decisionId: received[0]?.id, channel: "email", offerId: "cable-care-guide" },
    });
    // The attempt's record is committed after the receiver's answer: wait for it, not only for the answer.
    for (const id of ids)
      expect(
        await waitFor(
          async () =>
            (await deliveries.of(id)).map((record) => [record.attempt, record.status, record.httpStatus]),
          (attempts) => attempts.length > 0,
          { what: `the delivery record of ${id}` },
        ),
      ).toEqual([[1, "delivered", 200]]);
  });

  it("retries a receiver that answers 500 twice: one success, three recorded attempts, in ClickHouse too", async () => {
    await publish(offerRecord("flaky-1", "email"));
    await waitFor(
      () => deliveries.of("flaky-1"),
      (records) => records.length === 3,
      { what: "three attempts" },
    );
    expect(
      (await deliveries.of("flaky-1")).map((record) => [record.attempt, record.status, record.httpStatus]),
    ).toEqual([
      [1, "retrying", 500],
      [2, "retrying", 500],
      [3, "delivered", 200],
    ]);
    expect(tool.requests.get("flaky-1")).toBe(3);
    expect(tool.acknowledged.get("flaky-1")).toBe(1);
    const rows = await waitFor(
      async () =>
        (
          await clickhouse.client.query({
            query: `SELECT attempt, status, http_status, error FROM ${clickhouse.table("offer_deliveries")} WHERE decision_id = 'flaky-1' ORDER BY attempt`,
            format: "JSONEachRow",
          })
        ).json(),
      (found) => found.length === 3,
      { what: "offer_deliveries rows" },
    );
    expect(rows).toEqual([
      { attempt: 1, status: "retrying", http_status: 500, error: "answered 500" },
      { attempt: 2, status: "retrying", http_status: 500, error: "answered 500" },
      { attempt: 3, status: "delivered", http_status: 200, error: null },
    ]);
  });

  it("disables an endpoint that answers 410: later offers for it are not sent, each given up on the dead-letter topic", async () => {
    await publish(offerRecord("sms-1", "sms"));
    await waitFor(
      () => deliveries.of("sms-1"),
      (records) => records.length === 1,
      { what: "the 410" },
    );
    await publish(offerRecord("sms-2", "sms"));
    await waitFor(
      () => deliveries.of("sms-2"),
      (records) => records.length === 1,
      { what: "the second sms offer" },
    );
    expect((await deliveries.of("sms-1"))[0]).toMatchObject({
      attempt: 1,
      status: "disabled",
      httpStatus: 410,
    });
    expect((await deliveries.of("sms-2"))[0]).toMatchObject({
      attempt: 0,
      status: "disabled",
      httpStatus: null,
    });
    expect(gone.received.map((each) => each.id)).toEqual(["sms-1"]);
    for (const id of ["sms-1", "sms-2"]) {
      const letter = await deadLetterFor(id);
      expect(String(letter.headers?.[deadLetterHeaders.reason])).toMatch(
        /410 Gone: the endpoint is disabled until re-enabled/,
      );
      expect(String(letter.headers?.[deadLetterHeaders.sourceTopic])).toBe(env.OFFERS_TOPIC);
    }
  });

  it("gives up an offer that expires before it could be delivered, without sending it", async () => {
    await publish(offerRecord("expired-1", "email", -1000));
    await waitFor(
      () => deliveries.of("expired-1"),
      (records) => records.length === 1,
      { what: "the expired offer's record" },
    );
    expect((await deliveries.of("expired-1"))[0]).toMatchObject({ attempt: 0, status: "failed" });
    expect(tool.requests.has("expired-1")).toBe(false);
    expect(String((await deadLetterFor("expired-1")).headers?.[deadLetterHeaders.reason])).toBe(
      "undeliverable: the offer expired before it was delivered",
    );
  });
});

describe("a dispatcher killed mid-delivery", () => {
  it("delivers nothing twice and loses nothing after SIGKILL and restart", async () => {
    const receiver = await startWebhookReceiver(() => "hold");
    const variables = {
      ...testStageVariables(),
      ...fastRetries,
      DISPATCHER_ENDPOINTS: `email=${receiver.url}`,
      DISPATCHER_SIGNING_SECRETS: `email=${receiver.secret}`,
      DISPATCHER_ATTEMPT_TIMEOUT_MS: "20000",
      LOG_LEVEL: "info",
    };
    const env = dispatcherEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const service = new ServiceProcess(
      "dispatcher",
      variables,
      join(mkdtempSync(join(tmpdir(), "dispatcher-")), "dispatcher.log"),
    );
    const ids = Array.from({ length: 30 }, (_, index) => `kill-${index}`);
    try {
      await ensurePipelineTopics(kafka, env);
      await publishOffers(
        kafka,
        createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
        env.OFFERS_TOPIC,
        ids.map((id) => offerRecord(id, "email")),
      );
      service.start();
      await waitFor(
        async () => receiver.held.length,
        (held) => held >= 5,
        { what: `requests in flight (log ${service.logFile})`, timeoutMs: 60_000 },
      );
      expect(await service.kill("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
      receiver.dropHeld();
      receiver.answerWith(() => 200);
      service.start();
      await waitFor(
        async () => ids.filter((id) => receiver.acknowledged.has(id)).length,
        (done) => done === ids.length,
        {
          what: `every decision delivered after the restart (log ${service.logFile})`,
          timeoutMs: 60_000,
        },
      );
      // Time for a duplicate to show up, had the restarted dispatcher lost track of a success.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(ids.map((id) => receiver.acknowledged.get(id))).toEqual(ids.map(() => 1));
      expect(receiver.received.every((each) => each.verified)).toBe(true);
      expect(service.unexpectedExits).toEqual([]);
      // Health and metrics like the other services: the restarted process's operations endpoints.
      const lines = readFileSync(service.logFile, "utf8").split("\n").filter(Boolean);
      const port = lines
        .map((line) => JSON.parse(line) as { metricsPort?: number })
        .findLast((line) => line.metricsPort)?.metricsPort;
      const operations = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => (await fetch(`${operations}/health/ready`)).status,
        (status) => status === 200,
        { what: "ready" },
      );
      const exposed = await (await fetch(`${operations}/metrics`)).text();
      expect(exposed).toMatch(/cx_webhook_attempts_total\{channel="email",status="delivered"\} 30/);
      expect(exposed).toMatch(/cx_records_consumed_total\{stage="dispatcher"/);
    } finally {
      await service.kill("SIGTERM");
      await receiver.close();
    }
  });
});
