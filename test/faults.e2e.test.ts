import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { customerKey, newTouchpoint, type Touchpoint, touchpointContract } from "@cx/contracts";
import type { CustomerProfile } from "@cx/customer-profile";
import { CustomerEnricher } from "@cx/enrichment";
import {
  type AvroCodec,
  createAvroCodec,
  createIdempotentProducer,
  createKafka,
  createSchemaRegistry,
  deadLetterHeaders,
  kafkaEnvSchema,
  type Message,
  type Producer,
  type Transport,
} from "@cx/kafka";
import {
  freePort,
  type LocalKafka,
  type ManagedServer,
  startLocalKafka,
  startLocalRegistry,
} from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { pipelineConsumerGroups, pipelineEnvSchema } from "@cx/pipeline";
import {
  type EnrichedTouchpointRecord,
  enricherContracts,
  type OfferRecord,
  offerContracts,
} from "@cx/stage-records";
import { cdnowModels, offerStoryVariables, uniqueName, waitFor } from "@cx/testing";
import { ensurePipelineTopics, pipelineTopicsEnvSchema } from "@cx/topics";
import { peopleTouchpoints } from "@cx/workload";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  byIdentifiers,
  latestProfiles,
  readAvroTopic,
  readDecisions,
  readWholeTopic,
  waitForGroups,
} from "./support/pipeline";
import { type Exit, queryClickHouse, type ServiceName, ServiceProcess } from "./support/service-process";

/**
 * Fault injection: the services run as processes (as deployed) against a broker of this file's own,
 * so it can be killed and restarted without disturbing the other test files' shared broker.
 */
const logger = createLogger("faults-e2e", process.env.TEST_LOG_LEVEL ?? "warn");
// The test's own clients see the broker go away on purpose: their connection errors are expected.
const kafkaLogger = createLogger("faults-e2e", process.env.TEST_LOG_LEVEL ?? "fatal");

let dir: string;
let broker: LocalKafka;
let registry: ManagedServer & { url: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cx-faults-"));
  mkdirSync(join(dir, "kafka"));
  broker = await startLocalKafka({ dataDir: join(dir, "kafka") });
  registry = await startLocalRegistry({ logDir: dir });
}, 240_000);

// A failure on a machine that is gone afterwards (CI) is diagnosed from what the run printed: the
// last warnings and errors of each service.
afterEach(({ task }) => {
  if (task.result?.state !== "fail" || !dir) return;
  for (const file of readdirSync(dir).filter(
    (name) => name.endsWith(".log") && name !== "schema-registry.log",
  )) {
    const lines = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter(
        (line) =>
          /"level":"(warn|error|fatal)"/.test(line) ||
          /"msg":"(started|partitions assigned|consumer recreated)"/.test(line),
      )
      .slice(-40)
      .map((line) => line.slice(0, 600));
    console.info(`last warnings of ${file}:\n  ${lines.join("\n  ")}`);
  }
});

afterAll(async () => {
  await Promise.all([registry?.stop(0), broker?.stop(0)]);
  if (dir && process.env.KEEP_FAULT_LOGS === undefined) rmSync(dir, { recursive: true, force: true });
});

/** Kills the broker (SIGKILL: no clean shutdown) and starts it again on the same ports and data. */
async function restartBroker(downMs: number): Promise<void> {
  await broker.stop(0);
  await sleep(downMs);
  broker = await startLocalKafka({
    dataDir: join(dir, "kafka"),
    port: broker.port,
    controllerPort: broker.controllerPort,
  });
}

/** Environment of one pipeline on the private broker: topics, groups, transactional ids and a ClickHouse of its own. */
function pipelineVariables(name: string): Record<string, string> {
  return offerStoryVariables({
    KAFKA_BROKERS: broker.brokers.join(","),
    SCHEMA_REGISTRY_URL: registry.url,
    CLICKHOUSE_DATABASE: uniqueName(name),
    CLICKHOUSE_DATA_DIR: join(dir, `clickhouse-${name}`),
    LOG_LEVEL: "info",
  });
}

/** A pipeline's variables on the private broker, its topics created, and a client to feed it. */
async function openPipeline(name: string) {
  const variables = pipelineVariables(name);
  const env = { ...kafkaEnvSchema.parse(variables), ...pipelineTopicsEnvSchema.parse(variables) };
  const kafka = createKafka(env, kafkaLogger);
  await ensurePipelineTopics(kafka, env);
  const codec = await createAvroCodec<Touchpoint>(
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env.TOUCHPOINTS_TOPIC,
    touchpointContract.schema,
  );
  return { variables, env, kafka, codec };
}

/** Every consumer group of the pipeline with every topic it reads. */
function pipelineGroups(variables: Record<string, string>) {
  const { deciding, sink } = pipelineConsumerGroups(pipelineEnvSchema.parse(variables));
  return [...deciding, ...sink];
}

/** The three services of one pipeline as processes, each logging to its own file in `dir`. */
function pipelineServices(
  variables: Record<string, string>,
  name: string,
  metricsPorts?: Record<ServiceName, number>,
): Record<ServiceName, ServiceProcess> {
  const service = (service: ServiceName) =>
    new ServiceProcess(
      service,
      metricsPorts ? { ...variables, METRICS_PORT: String(metricsPorts[service]) } : variables,
      join(dir, `${name}-${service}.log`),
    );
  return { enricher: service("enricher"), offers: service("offers"), sink: service("sink") };
}

/**
 * Sends `touchpoints` in order at about `perSecond`, keyed as the publisher keys them, with an
 * idempotent producer; a send that fails (the broker is down) is retried on a new producer until it
 * lands, so the stream goes on through a broker outage. Returns how many sends had to be retried.
 */
async function streamTouchpoints(
  kafka: Transport,
  codec: AvroCodec<Touchpoint>,
  topic: string,
  touchpoints: readonly Touchpoint[],
  perSecond: number,
): Promise<number> {
  const tickMs = 250;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  let producer: Producer | undefined;
  let retried = 0;
  for (let start = 0; start < touchpoints.length; start += perTick) {
    const began = Date.now();
    const messages: Message[] = await Promise.all(
      touchpoints.slice(start, start + perTick).map(async (touchpoint) => ({
        key: customerKey(touchpoint.identifiers),
        value: codec.encode(touchpoint),
      })),
    );
    for (;;) {
      try {
        producer ??= await createIdempotentProducer(kafka);
        await producer.send({ topic, acks: -1, messages });
        break;
      } catch (error) {
        retried++;
        logger.warn({ err: error }, "send failed; retrying on a new producer");
        await producer?.disconnect().catch(() => undefined);
        producer = undefined;
        await sleep(1000);
      }
    }
    await sleep(Math.max(0, tickMs - (Date.now() - began)));
  }
  await producer?.disconnect();
  return retried;
}

/**
 * The stream: people seen on several channels (identities to stitch, purchases, returns,
 * complaints, surveys), each of whom first gives email consent in store so offers go out.
 */
function generatedStream(people: number, touchpoints: number, seed: number): Touchpoint[] {
  const startAt = Date.UTC(2026, 0, 1, 12);
  const consents = Array.from({ length: people }, (_, person) =>
    newTouchpoint({
      eventId: `consent-${seed}-${person}`,
      occurredAt: startAt - 3_600_000,
      receivedAt: startAt - 3_600_000,
      channel: "store",
      type: "consent_change",
      sourceSystem: "fault-test",
      consent: { scope: "email", granted: true },
      identifiers: {
        loyaltyId: `L${person}`,
        emailHash: null,
        phoneHash: null,
        deviceId: null,
        socialHandle: null,
      },
    }),
  );
  return [...consents, ...peopleTouchpoints({ people, touchpoints, seed, startAt })];
}

/** Records sent on purpose that no stage can use: each must reach the dead-letter topic, and nothing else may. */
async function poisonRecords(codec: AvroCodec<Touchpoint>, registryUrl: string): Promise<Message[]> {
  const valid = generatedStream(1, 1, 999)[1] as Touchpoint;
  // A record whose schema id names a registered schema of another kind (JSON Schema).
  const { id: jsonSchemaId } = await new SchemaRegistry({ host: registryUrl }).register(
    {
      type: SchemaType.JSON,
      schema: JSON.stringify({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { eventId: { type: "string" } },
      }),
    },
    { subject: `${uniqueName("json")}-value` },
  );
  const notAvro = Buffer.from([0, 0, 0, 0, 0, ...Buffer.from('{"eventId":"x"}')]);
  notAvro.writeInt32BE(jsonSchemaId, 1);
  // A valid record whose last field (the attributes map) declares two billion entries in a few bytes:
  // decoded as declared, it would allocate until the heap is gone.
  const withoutAttributes = codec.encode({ ...valid, eventId: "poison-declared", attributes: {} });
  expect(withoutAttributes.at(-1)).toBe(0); // the map's end marker: attributes is the last field
  const declared = Buffer.concat([
    withoutAttributes.subarray(0, -1),
    Buffer.from([0x80, 0xd0, 0xac, 0xf3, 0x0e]),
    Buffer.alloc(8),
  ]);
  return [
    // Not Avro at all (and not the registry's wire format).
    { key: "poison-undecodable", value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x13, 0x37]) },
    // Valid against the schema, but it happens a month from now: validateTouchpoint refuses it.
    {
      key: "poison-invalid",
      value: codec.encode({
        ...valid,
        eventId: "poison-invalid",
        occurredAt: Date.now() + 30 * 86_400_000,
        receivedAt: Date.now() + 30 * 86_400_000,
      }),
    },
    // Valid against the schema, ~300 kB: 300 attributes of 1,000 characters (the contract allows 50).
    {
      key: "poison-oversized",
      value: codec.encode({
        ...valid,
        eventId: "poison-oversized",
        attributes: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`a${i}`, "x".repeat(1000)])),
      }),
    },
    // Near the broker's 1 MiB limit: too big to dead-letter whole with the dead-letter headers.
    {
      key: "poison-huge",
      value: codec.encode({
        ...valid,
        eventId: "poison-huge",
        attributes: Object.fromEntries(Array.from({ length: 990 }, (_, i) => [`a${i}`, "x".repeat(1000)])),
      }),
    },
    { key: "poison-not-avro", value: notAvro },
    { key: "poison-declared", value: declared },
  ];
}

/**
 * After a run without crashes: every touchpoint stored, enriched and counted exactly once (also on
 * the enriched topic, which is at-least-once only across crashes), no decision twice, and nothing
 * dead-lettered.
 */
async function expectEachTouchpointOnce({
  variables,
  env,
  kafka,
  stream,
}: Pick<Awaited<ReturnType<typeof openPipeline>>, "variables" | "env" | "kafka"> & {
  stream: readonly Touchpoint[];
}): Promise<void> {
  const sent = stream.map((touchpoint) => touchpoint.eventId).sort();
  const stored = await clickhouseContents(variables);
  expect(repeats(stored.touchpoints)).toEqual({});
  expect([...stored.touchpoints].sort()).toEqual(sent);
  expect([...stored.enriched].sort()).toEqual(sent);
  expect(stored.journeyTouchpoints).toBe(stream.length);
  const enriched = await readAvroTopic<EnrichedTouchpointRecord>(
    kafka,
    env,
    env.ENRICHED_TOPIC,
    enricherContracts.enriched.schema,
  );
  expect(repeats(enriched.map((record) => record.value?.touchpoint.eventId as string))).toEqual({});
  expect(enriched).toHaveLength(stream.length);
  const offers = (
    await readAvroTopic<OfferRecord>(kafka, env, env.OFFERS_TOPIC, offerContracts.offer.schema)
  ).map((record) => (record.value as OfferRecord).decisionId);
  expect(offers.length).toBeGreaterThan(0);
  expect(repeats(offers)).toEqual({});
  expect([...stored.offers].sort()).toEqual([...offers].sort());
  expect(await readWholeTopic(kafka, env.DEAD_LETTER_TOPIC)).toEqual([]);
}

/** How often each value occurs, the ones seen more than once only. */
function repeats(values: Iterable<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}

const header = (message: { headers?: Record<string, unknown> }, name: string) =>
  String(message.headers?.[name] ?? "");

/** What ClickHouse holds of the run: per table, rows and distinct identities, and the identities. */
async function clickhouseContents(variables: Record<string, string>) {
  const rows = await queryClickHouse(variables, {
    touchpoints: "SELECT event_id AS id FROM {db}.touchpoints",
    enriched: "SELECT event_id AS id FROM {db}.enriched_touchpoints",
    offers: "SELECT decision_id AS id FROM {db}.offers",
    // Fed by a materialized view on enriched_touchpoints: a row written twice is counted twice for good.
    journeys: "SELECT toString(sum(touchpoints)) AS id FROM {db}.customer_journeys",
  });
  const ids = (name: string) => (rows[name] ?? []).map((row) => row.id as string);
  return {
    touchpoints: ids("touchpoints"),
    enriched: ids("enriched"),
    offers: ids("offers"),
    journeyTouchpoints: Number(ids("journeys")[0]),
  };
}

describe("fault injection on a private broker, with the services as processes", () => {
  it("loses, repeats and blocks nothing when every service is killed, the broker restarted and ClickHouse away", async () => {
    const { variables, env, kafka, codec } = await openPipeline("faults");
    const stream = generatedStream(200, 4000, 33);
    const poison = await poisonRecords(codec, env.SCHEMA_REGISTRY_URL);
    const services = pipelineServices(variables, "faults");
    for (const service of Object.values(services)) service.start();

    const timeline: string[] = [];
    const began = Date.now();
    const note = (what: string) => {
      timeline.push(`${((Date.now() - began) / 1000).toFixed(1)}s ${what}`);
    };
    const killAndRestart = async (name: ServiceName, downMs: number) => {
      const exit = await services[name].kill("SIGKILL");
      note(`${name} killed (${exit.signal})`);
      await sleep(downMs);
      services[name].start();
      note(`${name} restarted`);
    };
    const faults = async () => {
      await sleep(6_000);
      await sendPoison();
      await sleep(6_000);
      await killAndRestart("enricher", 1_000);
      await sleep(12_000);
      await killAndRestart("offers", 1_000);
      await sleep(12_000);
      // The embedded ClickHouse lives in the sink's process: killing it takes ClickHouse away too,
      // while touchpoints keep arriving; they must all be there once it is back.
      await killAndRestart("sink", 15_000);
      // Twice, so that at least one outage is likely to fall inside a stage's transaction.
      for (const pause of [8_000, 3_000]) {
        await sleep(pause);
        note("broker killed");
        await restartBroker(2_000);
        note("broker restarted");
      }
    };
    const sendPoison = async () => {
      const producer = await createIdempotentProducer(kafka);
      // One by one: together they would exceed what the broker takes in one request.
      for (const message of poison)
        await producer.send({ topic: env.TOUCHPOINTS_TOPIC, acks: -1, messages: [message] });
      await producer.disconnect();
      note("poison records sent");
    };

    let failure: unknown;
    const exits: Partial<Record<ServiceName, Exit>> = {};
    let retriedSends = 0;
    try {
      const [retried] = await Promise.all([
        streamTouchpoints(kafka, codec, env.TOUCHPOINTS_TOPIC, stream, 50),
        faults(),
      ]);
      retriedSends = retried;
      note(`stream sent (${stream.length} touchpoints, ${retriedSends} sends retried)`);
      // No stuck partition: every group of every stage reads its topics to the end.
      await waitForGroups(kafka, pipelineGroups(variables), 240_000);
      note("every group caught up");
    } catch (error) {
      failure = error;
    } finally {
      // Graceful stops: each must finish its work and exit 0.
      for (const name of ["enricher", "offers", "sink"] as const)
        exits[name] = await services[name].kill("SIGTERM");
      note("services stopped");
      console.info(`fault timeline (logs in ${dir}):\n  ${timeline.join("\n  ")}`);
    }
    if (failure) throw failure;
    expect(Object.values(services).flatMap((service) => service.unexpectedExits)).toEqual([]);
    expect(exits).toEqual({
      enricher: { code: 0, signal: null },
      offers: { code: 0, signal: null },
      sink: { code: 0, signal: null },
    });

    const sent = stream.map((touchpoint) => touchpoint.eventId).sort();

    // ClickHouse: every touchpoint exactly once (no FINAL: duplicates must never be written).
    const stored = await clickhouseContents(variables);
    expect(repeats(stored.touchpoints)).toEqual({});
    expect([...stored.touchpoints].sort()).toEqual(sent);
    // The enricher's profile stage is at-least-once (a crash between its outputs and its changelog
    // repeats outputs): the enriched topic may hold a touchpoint twice, ClickHouse must not.
    expect([...new Set(stored.enriched)].sort()).toEqual(sent);
    const enriched = await readAvroTopic<EnrichedTouchpointRecord>(
      kafka,
      env,
      env.ENRICHED_TOPIC,
      enricherContracts.enriched.schema,
    );
    const enrichedIds = enriched.map((record) => record.value?.touchpoint.eventId as string);
    console.info(
      `repeated on the enriched topic: ${JSON.stringify(repeats(enrichedIds))}; in ClickHouse: ${JSON.stringify(repeats(stored.enriched))}`,
    );
    expect(repeats(stored.enriched)).toEqual({});
    expect(stored.journeyTouchpoints).toBe(stream.length);

    // Every profile equals the one an uninterrupted one-process run makes of the same stream.
    const uninterrupted = new CustomerEnricher({ models: cdnowModels });
    for (const touchpoint of stream) uninterrupted.process(touchpoint);
    const expected = byIdentifiers(
      [...uninterrupted.profiles.customerIds()].map((id) => uninterrupted.profileOf(id) as CustomerProfile),
      stream,
    );
    const actual = byIdentifiers(await latestProfiles(kafka, env), stream);
    expect(Object.keys(actual).length).toBe(Object.keys(expected).length);
    expect(actual).toEqual(expected);

    // Every touchpoint enriched (at least once: see above).
    expect(new Set(enrichedIds).size).toBe(stream.length);

    // No decision twice: on the offers topic (committed transactions only) and in ClickHouse.
    const decisions = await readDecisions(kafka, env);
    const offers = decisions.offers.map((offer) => offer.decisionId);
    expect(offers.length).toBeGreaterThan(0);
    expect(repeats(offers)).toEqual({});
    expect(repeats(stored.offers)).toEqual({});
    expect([...stored.offers].sort()).toEqual([...offers].sort());
    const suppressed = decisions.suppressed.map(
      (value) => `${value.decisionId}/${value.offerId}/${value.channel}`,
    );
    expect(repeats(suppressed)).toEqual({});

    // The dead-letter topic holds the poison records, each from both stages that read touchpoints
    // (the sink and the enricher's identity stage) with a reason, and nothing else.
    const deadLetterMessages = await readWholeTopic(kafka, env.DEAD_LETTER_TOPIC);
    const hugeLetters = deadLetterMessages.filter((message) => String(message.key) === "poison-huge");
    const letters = deadLetterMessages.map((message) => ({
      key: String(message.key),
      stage: header(message, deadLetterHeaders.stage),
      reason: header(message, deadLetterHeaders.reason),
      source: `${header(message, deadLetterHeaders.sourceTopic)}/${header(message, deadLetterHeaders.sourcePartition)}/${header(message, deadLetterHeaders.sourceOffset)}`,
    }));
    console.info(
      `dead letters:\n  ${letters.map((letter) => JSON.stringify(letter).slice(0, 300)).join("\n  ")}`,
    );
    expect(new Set(letters.map((letter) => `${letter.stage} ${letter.key}`))).toEqual(
      new Set(
        ["sink", "enricher-identity"].flatMap((stage) =>
          poison.map((record) => `${stage} ${String(record.key)}`),
        ),
      ),
    );
    for (const letter of letters) {
      expect(letter.source.startsWith(`${env.TOUCHPOINTS_TOPIC}/`)).toBe(true);
      expect(letter.reason).not.toBe("");
    }
    const reasonOf = (key: string) => letters.find((letter) => letter.key === key)?.reason;
    expect(reasonOf("poison-invalid")).toMatch(/occurredAt/);
    expect(reasonOf("poison-oversized")).toMatch(/attributes/);
    expect(reasonOf("poison-huge")).toMatch(/attributes/);
    expect(reasonOf("poison-not-avro")).toMatch(/is not an Avro schema/);
    expect(reasonOf("poison-declared")).toMatch(/declares 2000000000 items but only \d+ bytes remain/);
    // Too big to go whole: its first bytes, its size and its SHA-256.
    const huge = poison.find((record) => record.key === "poison-huge")?.value as Buffer;
    for (const message of hugeLetters) {
      expect(header(message, deadLetterHeaders.truncated)).toBe("true");
      expect(header(message, deadLetterHeaders.originalSize)).toBe(String(huge.length));
      expect(header(message, deadLetterHeaders.originalSha256)).toBe(
        createHash("sha256").update(huge).digest("hex"),
      );
    }
    // Dead letters are at least once across a kill -9 (sent before the offset is committed).
    expect(new Set(hugeLetters.map((message) => header(message, deadLetterHeaders.stage)))).toEqual(
      new Set(["sink", "enricher-identity"]),
    );
  }, 600_000);

  it("stops each service gracefully on SIGTERM mid-stream: exit 0, nothing lost, nothing repeated after the restart", async () => {
    const { variables, env, kafka, codec } = await openPipeline("sigterm");
    const stream = generatedStream(80, 1500, 34);
    const services = pipelineServices(variables, "sigterm");
    for (const service of Object.values(services)) service.start();
    const exits: Exit[] = [];
    const began = Date.now();
    // Printed as it happens: a run that hits the test's timeout still shows how far it came.
    const note = (what: string) =>
      console.info(`sigterm ${((Date.now() - began) / 1000).toFixed(1)}s ${what} (logs in ${dir})`);
    const stop = async (name: ServiceName) => {
      await services[name].begun().then(
        () => note(`${name} begun; SIGTERM`),
        (error: Error) => note(`${error.message}; SIGTERM`),
      );
      const exit = await services[name].kill("SIGTERM");
      note(`${name} exited (code ${exit.code}, signal ${exit.signal})`);
      exits.push(exit);
    };
    // A stop at any moment from the service's first line (before it, no program holds a signal).
    const stopAndRestart = async (name: ServiceName) => {
      await stop(name);
      services[name].start();
      note(`${name} restarted`);
    };
    try {
      await Promise.all([
        streamTouchpoints(kafka, codec, env.TOUCHPOINTS_TOPIC, stream, 50),
        (async () => {
          for (const name of ["enricher", "offers", "sink"] as const) {
            await sleep(7_000);
            await stopAndRestart(name);
          }
        })(),
      ]);
      note("stream sent");
      await waitForGroups(kafka, pipelineGroups(variables), 240_000);
      note("every group caught up");
    } finally {
      for (const name of ["enricher", "offers", "sink"] as const) await stop(name);
    }
    expect(Object.values(services).flatMap((service) => service.unexpectedExits)).toEqual([]);
    // Mid-stream and at the end: every stop finished or handed back its work and exited 0.
    expect(exits).toEqual(Array.from({ length: 6 }, () => ({ code: 0, signal: null })));

    await expectEachTouchpointOnce({ variables, env, kafka, stream });
  }, 600_000);

  it("recovers by itself from a broker paused for 30 s and for 120 s under a steady stream: not ready meanwhile, then ready, nothing lost or repeated", async () => {
    const { variables, env, kafka, codec } = await openPipeline("pause");
    const stream = generatedStream(120, 9000, 35);
    // Readiness says "stuck" after 10 s without progress; liveness only after the longest pause.
    const health = { HEALTH_STUCK_AFTER_MS: "10000", HEALTH_DEAD_AFTER_MS: "600000" };
    const ports = { enricher: await freePort(), offers: await freePort(), sink: await freePort() };
    const services = pipelineServices({ ...variables, ...health }, "pause", ports);
    for (const service of Object.values(services)) service.start();
    const readiness = watchReadiness(ports);
    const timeline: string[] = [];
    const began = Date.now();
    const note = (what: string) => timeline.push(`${((Date.now() - began) / 1000).toFixed(1)}s ${what}`);
    const exits: Exit[] = [];
    try {
      await readiness.allReady(120_000);
      note("every service ready");
      const pauses = async () => {
        for (const seconds of [30, 120]) {
          await sleep(10_000);
          broker.signal("SIGSTOP");
          note(`broker paused for ${seconds} s`);
          await sleep(seconds * 1000);
          broker.signal("SIGCONT");
          note("broker resumed");
          // Every service heals by itself: ready again, with nobody restarting anything.
          await readiness.allReady(180_000);
          note("every service ready again");
        }
      };
      await Promise.all([streamTouchpoints(kafka, codec, env.TOUCHPOINTS_TOPIC, stream, 40), pauses()]);
      note("stream sent");
      await waitForGroups(kafka, pipelineGroups(variables), 240_000);
      note("every group caught up");
    } finally {
      broker.signal("SIGCONT");
      readiness.stop();
      for (const name of ["enricher", "offers", "sink"] as const)
        exits.push(await services[name].kill("SIGTERM"));
      console.info(
        `pause timeline (logs in ${dir}):\n  ${timeline.join("\n  ")}\n  readiness: ${readiness.changes.join("\n  ")}`,
      );
    }
    expect(Object.values(services).flatMap((service) => service.unexpectedExits)).toEqual([]);
    expect(exits).toEqual(Array.from({ length: 3 }, () => ({ code: 0, signal: null })));
    // Each service said it was not ready during each pause, and why.
    for (const name of ["enricher", "offers", "sink"] as const)
      expect(
        readiness.unreadySpells(name),
        `${name}: ${readiness.changes.join("; ")}`,
      ).toBeGreaterThanOrEqual(2);
    await expectEachTouchpointOnce({ variables, env, kafka, stream });
  }, 900_000);
});

/**
 * Polls each service's /health/ready every second and keeps every change (with the reasons), so a
 * test can tell that a service said it was not ready, and when it was ready again.
 */
function watchReadiness(ports: Record<ServiceName, number>) {
  const state = new Map<ServiceName, boolean | undefined>();
  const spells = new Map<ServiceName, number>();
  const changes: string[] = [];
  const began = Date.now();
  const poll = async () => {
    await Promise.all(
      (Object.entries(ports) as [ServiceName, number][]).map(async ([name, port]) => {
        let ready = false;
        let body = "";
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health/ready`, {
            signal: AbortSignal.timeout(900),
          });
          ready = response.status === 200;
          body = await response.text();
        } catch (error) {
          body = (error as Error).message;
        }
        const before = state.get(name);
        if (before === ready) return;
        state.set(name, ready);
        if (before === true && !ready) spells.set(name, (spells.get(name) ?? 0) + 1);
        changes.push(
          `${((Date.now() - began) / 1000).toFixed(1)}s ${name} ${ready ? "ready" : `not ready: ${body.slice(0, 300)}`}`,
        );
      }),
    );
  };
  const timer = setInterval(() => void poll(), 1000);
  return {
    changes,
    /** How often the service went from ready to not ready. */
    unreadySpells: (name: ServiceName) => spells.get(name) ?? 0,
    allReady: (timeoutMs: number) =>
      waitFor(
        async () => [...state.values()].filter((ready) => ready === true).length,
        (count) => count === Object.keys(ports).length,
        { timeoutMs, what: "every service ready" },
      ),
    stop: () => clearInterval(timer),
  };
}
