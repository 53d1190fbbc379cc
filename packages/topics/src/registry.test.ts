import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Admin, SchemaRegistryClient, Transport } from "@cx/kafka";
import { describe, expect, it } from "vitest";
import {
  coPartitionedTopics,
  ensurePipelineTopics,
  pipelineTopicList,
  pipelineTopicSpecs,
  pipelineTopics,
  pipelineTopicsEnvSchema,
  pipelineTopicVariables,
  topicCodec,
} from "./index";

const defaults = pipelineTopicsEnvSchema.parse({});
const kafkaEnv = { KAFKA_PARTITIONS: 12, KAFKA_REPLICATION_FACTOR: 3 };

describe("the topic registry", () => {
  it("keeps every variable and default name other tools depend on", () => {
    expect(defaults).toEqual({
      TOUCHPOINTS_TOPIC: "cx.touchpoints",
      DEAD_LETTER_TOPIC: "cx.dead-letters",
      IDENTIFIED_TOPIC: "cx.identified-touchpoints",
      ENRICHED_TOPIC: "cx.enriched-touchpoints",
      PROFILES_TOPIC: "cx.customer-profiles",
      STAGE_CHANGES_TOPIC: "cx.lifecycle-stage-changes",
      IDENTITY_EVENTS_TOPIC: "cx.identity-events",
      IDENTITY_CHANGELOG_TOPIC: "cx.identity-changelog",
      IDENTITY_COMMANDS_TOPIC: "cx.identity-commands",
      OFFERS_TOPIC: "cx.offers",
      SUPPRESSED_TOPIC: "cx.suppressed-decisions",
      OFFER_OUTCOMES_TOPIC: "cx.offer-outcomes",
      OFFER_STATE_TOPIC: "cx.offer-state",
      OFFER_RESPONSES_TOPIC: "cx.offer-responses",
      OFFER_DELIVERIES_TOPIC: "cx.offer-deliveries",
      OFFER_DELIVERY_STATE_TOPIC: "cx.offer-delivery-state",
    });
    expect(pipelineTopicsEnvSchema.parse({ OFFERS_TOPIC: "mine" }).OFFERS_TOPIC).toBe("mine");
    expect(() => pipelineTopicsEnvSchema.parse({ OFFERS_TOPIC: "" })).toThrow();
  });

  it("has a contract for every topic but the dead letters, whose values are the failed bytes", () => {
    expect(pipelineTopicList.filter((entry) => !entry.contract).map((entry) => entry.variable)).toEqual([
      "DEAD_LETTER_TOPIC",
    ]);
  });

  it("compacts only changelogs and latest-value topics, each with a contract and restored by a stage", () => {
    for (const entry of pipelineTopicList.filter((each) => each.compacted)) {
      expect(entry.contract, entry.variable).not.toBeNull();
      expect(entry.purpose, entry.variable).toMatch(/changelog|latest/);
      // Restored partition by partition alongside its input, or read whole from its one partition.
      expect(entry.coPartitionGroup !== null || entry.partitioning === "single", entry.variable).toBe(true);
    }
  });

  it("splits each co-partition group into the keyed partition count, around one changelog", () => {
    const specs = new Map(pipelineTopicSpecs({ ...defaults, ...kafkaEnv }).map((spec) => [spec.topic, spec]));
    for (const [group, topics] of coPartitionedTopics(defaults)) {
      expect(topics.length, group).toBeGreaterThan(1);
      expect(
        topics.map((topic) => specs.get(topic)?.partitions),
        group,
      ).toEqual(topics.map(() => 12));
      expect(
        topics.filter((topic) => specs.get(topic)?.compacted),
        group,
      ).toHaveLength(1);
    }
  });

  it("derives every topic's spec from its entry, in the registry's order", () => {
    expect(pipelineTopicSpecs({ ...defaults, ...kafkaEnv })).toEqual(
      pipelineTopicList.map((entry) => ({
        topic: defaults[entry.variable],
        partitions: entry.partitioning === "keyed" ? 12 : 1,
        replicationFactor: 3,
        ...(entry.compacted ? { compacted: true } : {}),
      })),
    );
  });

  it("names every topic from its base name for tests and benchmarks", () => {
    const names = pipelineTopicVariables((base) => `run-7.${base}`);
    expect(Object.keys(names)).toEqual(Object.keys(defaults));
    expect(names.OFFER_DELIVERY_STATE_TOPIC).toBe("run-7.offer_delivery_state");
    expect(pipelineTopicsEnvSchema.parse(names).TOUCHPOINTS_TOPIC).toBe("run-7.touchpoints");
  });

  it("makes a topic's codec under the environment's name with the entry's schema", async () => {
    const registered: [string, object][] = [];
    const registry: SchemaRegistryClient = {
      registerAvro: async (subject, schema) => registered.push([subject, schema]),
      schemaById: async () => ({ kind: "unknown" }),
    };
    await topicCodec(registry, { ...defaults, OFFERS_TOPIC: "mine.offers" }, pipelineTopics.offers);
    expect(registered).toEqual([["mine.offers-value", pipelineTopics.offers.contract.schema]]);
  });

  it("refuses co-partitioned topics whose partition counts differ", async () => {
    const partitions = (topic: string) => (topic === defaults.OFFER_STATE_TOPIC ? 6 : 12);
    const admin: Partial<Admin> = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => Object.values(defaults),
      fetchTopicMetadata: async ({ topics }) => ({
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({ length: partitions(name) }, (_, partitionId) => ({ partitionId })),
        })),
      }),
    };
    const kafka = { admin: () => admin } as unknown as Transport;
    await expect(ensurePipelineTopics(kafka, { ...defaults, ...kafkaEnv })).rejects.toThrow(
      /cx\.offer-state: 6.*must have the same number of partitions/,
    );
  });
});

describe("the pipeline's sources", () => {
  const root = join(import.meta.dirname, "../../..");
  const sourceFiles = ["packages", "services"].flatMap((layer) =>
    readdirSync(join(root, layer)).flatMap((workspace) => {
      const src = join(root, layer, workspace, "src");
      try {
        return readdirSync(src, { recursive: true, encoding: "utf8" })
          .filter((file) => file.endsWith(".ts"))
          .map((file) => join(src, file));
      } catch {
        return [];
      }
    }),
  );

  it("name no topic variable the registry does not have", () => {
    const known = new Set(pipelineTopicList.map((entry) => entry.variable));
    const named = new Set(
      sourceFiles.flatMap((file) => readFileSync(file, "utf8").match(/\b[A-Z][A-Z0-9_]*_TOPIC\b/g) ?? []),
    );
    expect(named.size).toBeGreaterThan(0);
    expect([...named].filter((variable) => !known.has(variable as never))).toEqual([]);
  });
});
