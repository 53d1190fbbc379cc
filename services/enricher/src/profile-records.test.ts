import { loadSchemaVersions } from "@cx/contracts";
import { applyTouchpoint, type CustomerProfile } from "@cx/customer-profile";
import { ProfileStore } from "@cx/enrichment";
import { profileOfRecord } from "@cx/stage-records";
import { purchaseOf, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";

const buy = (day: number, minor: number) => touchpointOnDay(day, purchaseOf(minor));

describe("a profile read back from the changelog", () => {
  it("still knows the touchpoints and merges a record written before v3 remembered by id", () => {
    const store = new ProfileStore();
    const first = buy(0, 1000);
    const second = buy(2, 400);
    store.apply("cus_a", first);
    store.apply("cus_b", second);
    const merged = store.release("cus_b") as CustomerProfile;
    store.absorb("cus_a", merged, "merge_1");
    const profile = store.get("cus_a")?.profile as CustomerProfile;
    // What a v2 enricher wrote: the ids themselves, merge markers among them, and no hashes.
    const { recentEventHashes: _hashes, ...rest } = profile;
    const [, v2, v3] = loadSchemaVersions("customer-profile");
    if (!v2 || !v3) throw new Error("expected v2 and v3 of customer-profile");
    const written = {
      customerId: "cus_a",
      updatedAt: profile.lastSeenAt,
      mergedInto: null,
      snapshot: null,
      state: { ...rest, recentEventIds: [first.eventId, second.eventId, "merge:merge_1"] },
      holdout: false,
    };
    const read = v3.type.fromBuffer(v2.type.toBuffer(written), v3.type.createResolver(v2.type)) as {
      state: Parameters<typeof profileOfRecord>[0];
    };
    const restored = profileOfRecord(read.state);

    expect(restored.recentEventHashes.toSorted()).toEqual(profile.recentEventHashes.toSorted());
    expect("recentEventIds" in restored).toBe(false);
    expect(applyTouchpoint(restored, "cus_a", first)).toBe(restored);
    const again = new ProfileStore();
    again.restore({ profile: restored, stage: null });
    expect(again.absorb("cus_a", merged, "merge_1").changed).toBe(false);
    expect(applyTouchpoint(restored, "cus_a", buy(3, 200)).purchaseCount).toBe(3);
  });

  it("is written with its hashes and no ids, and read back as it was", () => {
    const profile = applyTouchpoint(undefined, "cus_a", buy(0, 1000));
    const [v3] = loadSchemaVersions("customer-profile").slice(-1);
    if (!v3) throw new Error("expected customer-profile versions");
    const record = {
      customerId: "cus_a",
      updatedAt: 0,
      mergedInto: null,
      snapshot: null,
      state: profile,
      holdout: false,
    };
    const read = v3.type.fromBuffer(v3.type.toBuffer(record)) as {
      state: Parameters<typeof profileOfRecord>[0];
    };
    expect(read.state.recentEventIds).toEqual([]);
    expect(profileOfRecord(read.state)).toEqual(profile);
  });
});
