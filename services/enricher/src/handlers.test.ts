import type { Touchpoint } from "@cx/contracts";
import { type CustomerProfile, channelsOf } from "@cx/customer-profile";
import { CustomerEnricher, ProfileStore } from "@cx/enrichment";
import { IdentityGraph } from "@cx/identity";
import type { KeyedRecord } from "@cx/kafka";
import { type HoldoutSettings, isHeldOut } from "@cx/offers";
import { seededRandom } from "@cx/random";
import {
  type EnrichedTouchpointRecord,
  enricherContracts,
  type IdentifiedRecord,
  profileOfRecord,
} from "@cx/stage-records";
import { cdnowModels } from "@cx/testing";
import { peopleTouchpoints } from "@cx/workload";
import type { Type } from "avsc";
import { describe, expect, it } from "vitest";
import {
  handleIdentified,
  identifyTouchpoint,
  noIdentityOutputs,
  noProfileOutputs,
  profileChangelog,
} from "./index";

const partitions = 3;
const partitionOf = (key: string) => [...key].reduce((sum, char) => sum + char.charCodeAt(0), 0) % partitions;

/** Avro, as the topic will carry it: what is written must read back the same. */
function throughAvro<T>(type: Type, value: T): T {
  expect(type.isValid(value, { errorHook: (path) => expect.fail(`invalid at ${path.join(".")}`) })).toBe(
    true,
  );
  return JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)))) as T;
}

/**
 * The two stages over in-memory queues, one queue and one store per partition, all through Avro.
 * Partitions take turns at random, one record at a time, so transfers between partitions race with
 * further merges (a chain of merges whose profiles are still on their way) as on a real broker.
 */
function runStages(stream: Touchpoint[], holdout: HoldoutSettings = { percent: 5, salt: "handlers-test" }) {
  const graph = new IdentityGraph();
  const queues = Array.from({ length: partitions }, () => [] as IdentifiedRecord[]);
  const stores = Array.from({ length: partitions }, () => new ProfileStore({ models: cdnowModels }));
  const profiles = new Map<string, CustomerProfile | null>();
  const tombstones = new Set<string>();
  const erasures: string[] = [];
  /** The holdout flag of every enriched touchpoint and profile record, by customer. */
  const holdoutFlags: { customerId: string; holdout: boolean }[] = [];
  const turns = seededRandom(11);
  const route = (records: KeyedRecord<IdentifiedRecord>[]) => {
    for (const record of records)
      queues[partitionOf(record.key)]?.push(
        throughAvro(enricherContracts.identified.type, record.value as IdentifiedRecord),
      );
  };
  const step = (partition: number) => {
    const record = queues[partition]?.shift();
    if (!record) return false;
    const store = stores[partition] as ProfileStore;
    const out = noProfileOutputs();
    handleIdentified(store, record, out, holdout);
    for (const enriched of out.enriched) {
      const value = throughAvro(enricherContracts.enriched.type, enriched.value as EnrichedTouchpointRecord);
      if (value.touchpoint.type === "erasure_request") erasures.push(value.customerId);
      holdoutFlags.push({ customerId: value.customerId, holdout: value.holdout });
    }
    for (const change of out.stageChanges) throughAvro(enricherContracts.stageChange.type, change.value);
    for (const entry of profileChangelog(store, 0, holdout)) {
      const value = entry.value ? throughAvro(enricherContracts.profile.type, entry.value) : null;
      if (value) holdoutFlags.push({ customerId: value.customerId, holdout: value.holdout });
      profiles.set(entry.key, value?.state ? profileOfRecord(value.state) : null);
      if (value) tombstones.delete(entry.key);
      else tombstones.add(entry.key);
    }
    route(out.transfers);
    return true;
  };
  for (const touchpoint of stream) {
    const out = noIdentityOutputs();
    identifyTouchpoint(graph, touchpoint, touchpoint.receivedAt, out);
    for (const event of out.identityEvents) throughAvro(enricherContracts.identityEvent.type, event.value);
    for (const entry of graph.takeChanges())
      if (entry.value) throughAvro(enricherContracts.identityChangelog.type, entry.value);
    route(out.identified);
    // The identity stage runs ahead in bursts, as it does on a broker when the profile stage lags.
    if (turns() < 0.02) while (turns() < 0.995) step(Math.floor(turns() * partitions));
  }
  while (queues.some((queue) => queue.length > 0)) step(Math.floor(turns() * partitions));
  const live = new Map(
    [...profiles].filter((entry): entry is [string, CustomerProfile] => entry[1] !== null),
  );
  return { profiles: live, tombstones, erasures, graph, holdoutFlags };
}

/** Order of remembered ids and the last float digits are the only things arrival order may change. */
const comparable = (profile: CustomerProfile) =>
  JSON.parse(
    JSON.stringify(
      { ...profile, recentEventHashes: profile.recentEventHashes.map(String).sort() },
      (_key, value) => (typeof value === "number" ? Number(value.toPrecision(10)) : value),
    ),
  );

describe("enricher stages", () => {
  it("give the profiles of the one-process enricher, through Avro and merges across partitions", () => {
    const stream = peopleTouchpoints({ people: 60, touchpoints: 1500, seed: 3 });
    const { profiles: staged } = runStages(stream);
    const single = new CustomerEnricher({ models: cdnowModels });
    for (const touchpoint of stream) single.process(touchpoint);
    expect(staged.size).toBe(single.customers);
    const stitched = [...staged.values()].filter(
      (profile) => Object.keys(channelsOf(profile.channelActivity)).length >= 3,
    );
    expect(stitched.length).toBeGreaterThan(30);
    for (const [customerId, profile] of staged) {
      const expected = single.profileOf(customerId);
      expect(expected, customerId).toBeDefined();
      expect(comparable(profile)).toEqual(comparable(expected as CustomerProfile));
    }
  });

  it("mark each enriched touchpoint and profile with the offer engine's holdout group of its customer", () => {
    const holdout = { percent: 30, salt: "handlers-test" };
    const { holdoutFlags } = runStages(
      peopleTouchpoints({ people: 60, touchpoints: 1500, seed: 3 }),
      holdout,
    );
    const heldOut = new Set(holdoutFlags.filter((flag) => flag.holdout).map((flag) => flag.customerId));
    const treated = new Set(holdoutFlags.filter((flag) => !flag.holdout).map((flag) => flag.customerId));
    // Both groups occur, and no customer is in both.
    expect(heldOut.size).toBeGreaterThan(3);
    expect(treated.size).toBeGreaterThan(heldOut.size);
    expect([...heldOut].filter((customerId) => treated.has(customerId))).toEqual([]);
    for (const { customerId, holdout: flag } of holdoutFlags)
      expect(flag, customerId).toBe(isHeldOut(customerId, holdout));
  });

  it("erase a customer and everyone merged into them: graph, profiles and merge records", () => {
    const stream = peopleTouchpoints({ people: 30, touchpoints: 600, seed: 5 });
    const before = runStages(stream);
    const [customerId, profile] = [...before.profiles].find(
      ([, candidate]) => Object.keys(channelsOf(candidate.channelActivity)).length >= 3,
    ) as [string, CustomerProfile];
    const identifiers = before.graph.identifiersOf(customerId);
    const last = stream.at(-1) as Touchpoint;
    const card = identifiers.find((key) => key.startsWith("loyalty:"))?.slice("loyalty:".length);
    const request: Touchpoint = {
      ...last,
      eventId: "erasure-1",
      type: "erasure_request",
      channel: "web",
      identifiers: {
        ...last.identifiers,
        loyaltyId: card ?? null,
        emailHash: null,
        phoneHash: null,
        deviceId: null,
        socialHandle: null,
      },
      amount: null,
      lineItems: [],
      occurredAt: last.occurredAt + 1,
      receivedAt: last.receivedAt + 1,
    };
    expect(card, "a stitched customer with a loyalty card").toBeDefined();

    const after = runStages([...stream, request]);
    expect(after.profiles.has(customerId)).toBe(false);
    expect(after.tombstones).toContain(customerId);
    // Everyone merged into the customer leaves a tombstone too, not a "merged into" record.
    expect(after.erasures).toContain(customerId);
    expect(after.erasures.length).toBeGreaterThan(1);
    for (const erased of after.erasures) expect(after.tombstones).toContain(erased);
    for (const identifier of identifiers) expect(after.graph.customerOf(identifier)).toBeUndefined();
    expect(JSON.stringify(after.graph.state())).not.toContain(customerId);
    // Nobody else is touched.
    expect(after.profiles.size).toBe(before.profiles.size - 1);
    expect(profile.customerId).toBe(customerId);
  });
});
