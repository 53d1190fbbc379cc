import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sendUndoMerge } from "@cx/cli";
import { type CustomerProfile, channelsOf } from "@cx/customer-profile";
import { type EnricherEnv, enricherEnvSchema, startEnricher } from "@cx/enricher";
import { CustomerEnricher } from "@cx/enrichment";
import { createKafka, createSchemaRegistry, deadLetterHeaders, type Transport } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import {
  type EnrichedTouchpointRecord,
  enricherContracts,
  type IdentityEventRecord,
} from "@cx/stage-records";
import { cdnowModels, testPipelineVariables, touchpointOnDay, uniqueName, waitFor } from "@cx/testing";
import { peopleTouchpoints } from "@cx/workload";
import { describe, expect, it } from "vitest";
import {
  byIdentifiers,
  latestProfiles,
  publishTouchpoints,
  readAvroTopic,
  readWholeTopic,
  waitForGroups,
} from "./support/pipeline";

const logger = createLogger("enricher-e2e", process.env.TEST_LOG_LEVEL ?? "warn");
const hash = (name: string) => createHash("sha256").update(name).digest("hex");

function enricherVariables(): Record<string, string> {
  return {
    ...testPipelineVariables(),
    ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
    ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
    ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
  };
}

const publish = publishTouchpoints;
const settled = (kafka: Transport, env: EnricherEnv, timeoutMs?: number) =>
  waitForGroups(
    kafka,
    [
      { groupId: env.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
      { groupId: env.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
    ],
    timeoutMs,
  );

describe("the enricher on the real broker and registry", () => {
  it("makes one customer with one profile of someone seen on the web, in store and on the phone", async () => {
    const modelFile = join(mkdtempSync(join(tmpdir(), "cx-models-")), "models.json");
    writeFileSync(modelFile, JSON.stringify({ customers: 2357, ...cdnowModels }));
    const env = enricherEnvSchema.parse({ ...enricherVariables(), ENRICHER_MODEL_FILE: modelFile });
    const kafka = createKafka(env, logger);
    const enricher = await startEnricher({
      kafka,
      registry: createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
      logger,
      env,
    });
    try {
      const journey = [
        touchpointOnDay(0, { channel: "web", type: "page_view", identifiers: { deviceId: "cookie-ann" } }),
        touchpointOnDay(1, {
          channel: "store",
          type: "purchase",
          amount: { minor: 4200, currency: "EUR", discountMinor: 0, marginMinor: 1500 },
          identifiers: { loyaltyId: "L-ann", emailHash: hash("ann") },
        }),
        // Logging in on the web joins the cookie's customer and the card's customer: a merge.
        touchpointOnDay(2, {
          channel: "web",
          type: "visit",
          identifiers: { deviceId: "cookie-ann", emailHash: hash("ann") },
        }),
        touchpointOnDay(3, {
          channel: "phone",
          type: "call",
          sentiment: 0.6,
          identifiers: { loyaltyId: "L-ann", phoneHash: hash("ann-phone") },
        }),
      ];
      for (const touchpoint of journey) {
        await publish(kafka, env, [touchpoint]);
        await settled(kafka, env);
      }
      const profiles = await latestProfiles(kafka, env);
      expect(profiles).toHaveLength(1);
      const [ann] = profiles as [CustomerProfile];
      expect(Object.keys(channelsOf(ann.channelActivity)).sort()).toEqual(["phone", "store", "web"]);
      expect(ann.identifiers).toEqual(
        ["device:cookie-ann", `email:${hash("ann")}`, "loyalty:L-ann", `phone:${hash("ann-phone")}`].sort(),
      );
      expect(ann.grossPurchasesMinor).toBe(4200);

      const enriched = await readAvroTopic<EnrichedTouchpointRecord>(
        kafka,
        env,
        env.ENRICHED_TOPIC,
        enricherContracts.enriched.schema,
      );
      const last = enriched.find((record) => record.value?.touchpoint.channel === "phone")?.value;
      expect(last?.customerId).toBe(ann.customerId);
      expect(last?.profile.traits.netRevenueMinor).toBe(4200);
      expect(last?.profile.lifecycle.stage).toBe("new");
      // Value comes from the fitted models in ENRICHER_MODEL_FILE.
      expect(last?.profile.value.predictedValueMinor).toBeGreaterThan(0);

      // The operator splits the merge again: the card's customer gets the card (and email) back.
      const events = await readAvroTopic<IdentityEventRecord>(
        kafka,
        env,
        env.IDENTITY_EVENTS_TOPIC,
        enricherContracts.identityEvent.schema,
      );
      const merge = events.find((event) => event.value?.type === "customers_merged")?.value;
      expect(merge?.mergeId).toMatch(/^merge_/);
      await sendUndoMerge(env, merge?.mergeId as string, "e2e-test");
      const storeVisit = touchpointOnDay(4, {
        channel: "store",
        type: "visit",
        identifiers: { loyaltyId: "L-ann" },
      });
      await publish(kafka, env, [storeVisit]);
      await settled(kafka, env);
      const after = await readAvroTopic<IdentityEventRecord>(
        kafka,
        env,
        env.IDENTITY_EVENTS_TOPIC,
        enricherContracts.identityEvent.schema,
      );
      expect(after.find((event) => event.value?.type === "merge_undone")?.value).toMatchObject({
        mergeId: merge?.mergeId,
        identifiers: expect.arrayContaining(["loyalty:L-ann"]),
      });
      const visitAfterUndo = (
        await readAvroTopic<EnrichedTouchpointRecord>(
          kafka,
          env,
          env.ENRICHED_TOPIC,
          enricherContracts.enriched.schema,
        )
      ).find((record) => record.value?.touchpoint.eventId === storeVisit.eventId);
      expect(visitAfterUndo?.value?.customerId).toBe(merge?.otherCustomerIds[0]);

      // Undone already: the same command again is refused, and dead-lettered once, as it was sent.
      await sendUndoMerge(env, merge?.mergeId as string, "e2e-test");
      const letters = await waitFor(
        () => readWholeTopic(kafka, env.DEAD_LETTER_TOPIC),
        (found) => found.length > 0,
        { what: "the refused command's dead letter" },
      );
      const commands = await readWholeTopic(kafka, env.IDENTITY_COMMANDS_TOPIC);
      expect(commands).toHaveLength(2);
      expect(letters).toHaveLength(1);
      expect(String(letters[0]?.headers?.[deadLetterHeaders.reason])).toMatch(/^identity command refused/);
      expect(letters[0]?.value?.equals(commands[1]?.value as Buffer)).toBe(true);
    } finally {
      await enricher.stop();
    }
  }, 120_000);

  it("gives the same profiles after being killed mid-stream and restarted as an uninterrupted run", async () => {
    const variables = enricherVariables();
    const env = enricherEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const stream = peopleTouchpoints({ people: 150, touchpoints: 3000, seed: 21 });
    // Half now, half after the kill: the enricher can take a whole stream in one batch, and the
    // kill must fall before the end however fast it is.
    const half = stream.length / 2;
    await publish(kafka, env, stream.slice(0, half));

    const main = fileURLToPath(new URL("../services/enricher/src/main.ts", import.meta.url));
    const startProcess = (): ChildProcess =>
      spawn(process.execPath, ["--import", "tsx", main], {
        env: { ...process.env, ...variables, LOG_LEVEL: "warn" },
        stdio: ["ignore", "ignore", "inherit"],
      });
    const enrichedSoFar = async () => {
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(env.ENRICHED_TOPIC).catch(() => []);
      await admin.disconnect();
      return ends.reduce((sum, end) => sum + Number(end.high), 0);
    };

    const first = startProcess();
    await waitFor(enrichedSoFar, (count) => count > stream.length / 4, {
      timeoutMs: 60_000,
      what: "a quarter of the stream enriched",
    });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect(await enrichedSoFar()).toBeLessThan(stream.length);
    await publish(kafka, env, stream.slice(half));

    const second = startProcess();
    try {
      await settled(kafka, env, 120_000);
    } finally {
      second.kill("SIGTERM");
      await new Promise((resolve) => second.once("exit", resolve));
    }

    const uninterrupted = new CustomerEnricher({ models: cdnowModels });
    for (const touchpoint of stream) uninterrupted.process(touchpoint);
    const expected = byIdentifiers(
      [...uninterrupted.profiles.customerIds()].map((id) => uninterrupted.profileOf(id) as CustomerProfile),
      stream,
    );
    const actual = byIdentifiers(await latestProfiles(kafka, env), stream);
    expect(Object.keys(actual).length).toBe(Object.keys(expected).length);
    expect(actual).toEqual(expected);

    const enrichedIds = new Set(
      (
        await readAvroTopic<EnrichedTouchpointRecord>(
          kafka,
          env,
          env.ENRICHED_TOPIC,
          enricherContracts.enriched.schema,
        )
      ).map((record) => record.value?.touchpoint.eventId),
    );
    expect(enrichedIds.size).toBe(stream.length);
  }, 180_000);
});
