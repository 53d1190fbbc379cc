import type { Touchpoint } from "@cx/contracts";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import {
  createAvroCodec,
  readPartitionsToEnd,
  type SchemaRegistryClient,
  type Transport,
  waitUntilCaughtUp,
} from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { createInMemorySchemaRegistry, createInMemoryTransport } from "@cx/memory-transport";
import { type EnrichedTouchpointRecord, enricherContracts } from "@cx/stage-records";
import { touchpointOnDay, uniqueName } from "@cx/testing";
import { pipelineTopicVariables } from "@cx/topics";
import { createTouchpointPublisher } from "@cx/workload-publisher";
import { describe, expect, it } from "vitest";

const logger = createLogger("in-process-pipeline-test", process.env.TEST_LOG_LEVEL ?? "warn");

/** Stages feed each other (the enricher's transfers between partitions): settled when quiet twice. */
const caughtUp = (kafka: Transport, groups: readonly { groupId: string; topic: string }[]) =>
  waitUntilCaughtUp(kafka, groups, { timeoutMs: 30_000, pollMs: 20, quietPolls: 2 });

async function readAvro<T>(kafka: Transport, registry: SchemaRegistryClient, topic: string, schema: object) {
  const codec = await createAvroCodec<T>(registry, topic, schema);
  const admin = kafka.admin();
  const partitions = (await admin.fetchTopicOffsets(topic)).map((end) => end.partition);
  const values: T[] = [];
  await readPartitionsToEnd(
    kafka,
    topic,
    partitions,
    async (message) => {
      const decoded = await codec.decode(message.value as Buffer);
      if (!decoded.ok) throw new Error(decoded.reason);
      values.push(decoded.value);
    },
    logger,
  );
  return values;
}

// The offer service's story on this transport is test/offers.e2e.test.ts, run on both transports.
describe("the services' own stage code on the in-memory transport", () => {
  it("hands the identity stage to a newer enricher, which fences the old owner and rebuilds the graph", async () => {
    const variables = {
      KAFKA_PARTITIONS: "3",
      ...pipelineTopicVariables(uniqueName),
      ENRICHER_IDENTITY_GROUP_ID: uniqueName("identity"),
      ENRICHER_IDENTITY_TRANSACTIONAL_ID: uniqueName("identity-tx"),
      ENRICHER_PROFILE_GROUP_ID: uniqueName("profile"),
    };
    const env = enricherEnvSchema.parse(variables);
    const kafka = createInMemoryTransport();
    const registry = createInMemorySchemaRegistry();
    const owner = await startEnricher({ kafka, registry, logger, env });
    // In memory the group's newest member takes every partition over (on a broker, see faults.e2e).
    let successor: Awaited<ReturnType<typeof startEnricher>> | undefined;
    const stages = [
      { groupId: env.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
      { groupId: env.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
    ];
    const publish = async (touchpoints: Touchpoint[]) => {
      const publisher = await createTouchpointPublisher(kafka, registry, env);
      await publisher.publish(touchpoints);
      await publisher.close();
    };
    try {
      await publish([
        touchpointOnDay(0, { identifiers: { loyaltyId: "L-takeover" } }),
        touchpointOnDay(1, {
          channel: "web",
          identifiers: { loyaltyId: "L-takeover", deviceId: "D-takeover" },
        }),
      ]);
      await caughtUp(kafka, stages);
      successor = await startEnricher({ kafka, registry, logger, env });
      await owner.stop();
      // Only the device is known now: the successor must have the link from the changelog.
      await publish([touchpointOnDay(2, { channel: "web", identifiers: { deviceId: "D-takeover" } })]);
      await caughtUp(kafka, stages);
      const enriched = await readAvro<EnrichedTouchpointRecord>(
        kafka,
        registry,
        env.ENRICHED_TOPIC,
        enricherContracts.enriched.schema,
      );
      expect(enriched).toHaveLength(3);
      expect(new Set(enriched.map((record) => record.customerId)).size).toBe(1);
    } finally {
      await successor?.stop();
      await owner.stop().catch(() => undefined);
    }
  });
});
