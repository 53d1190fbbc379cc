import { loadSchemaVersions } from "@cx/contracts";
import { applyTouchpoint, type CustomerProfile } from "@cx/customer-profile";
import { ProfileStore } from "@cx/enrichment";
import { type ProfileStateRecord, profileOfRecord, profileRecordOf } from "@cx/stage-records";
import { purchaseOf, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";

const buy = (day: number, minor: number) => touchpointOnDay(day, purchaseOf(minor));
const contracts = loadSchemaVersions("customer-profile");

/** A customer-profile record around `state`, as the changelog holds it. */
const recordOf = (state: object) => ({
  customerId: "cus_a",
  updatedAt: 0,
  mergedInto: null,
  snapshot: null,
  state,
  holdout: false,
});

describe("a profile through the changelog", () => {
  it("still knows the touchpoints and merges a record written before v3 remembered by id", () => {
    const store = new ProfileStore();
    const first = buy(0, 1000);
    const second = touchpointOnDay(2, { channel: "web" });
    store.apply("cus_a", first);
    store.apply("cus_b", second);
    const merged = store.release("cus_b") as CustomerProfile;
    store.absorb("cus_a", merged, "merge_1");
    const profile = store.get("cus_a")?.profile as CustomerProfile;
    // What a v2 enricher wrote: the ids themselves, merge markers among them, and no hashes.
    const { recentEventHashes: _hashes, ...written } = profileRecordOf(profile);
    const [v2, v3] = contracts.slice(-2);
    if (v2?.version !== 2 || v3?.version !== 3) throw new Error("expected v2 and v3 of customer-profile");
    const old = recordOf({ ...written, recentEventIds: [first.eventId, second.eventId, "merge:merge_1"] });
    const read = v3.type.fromBuffer(v2.type.toBuffer(old), v3.type.createResolver(v2.type)) as {
      state: ProfileStateRecord;
    };
    const restored = profileOfRecord(read.state);

    expect(restored.recentEventHashes.toSorted()).toEqual(profile.recentEventHashes.toSorted());
    expect(restored).toEqual(profile);
    expect(applyTouchpoint(restored, "cus_a", first)).toBe(restored);
    const again = new ProfileStore();
    again.restore({ profile: restored, stage: null });
    expect(again.absorb("cus_a", merged, "merge_1").changed).toBe(false);
    expect(applyTouchpoint(restored, "cus_a", buy(3, 200)).purchaseCount).toBe(2);
  });

  it("is written with hashes, channels by name and first and last seen, and read back as it was", () => {
    const profile = [buy(0, 1000), touchpointOnDay(4, { channel: "phone" }), buy(9, 300)].reduce<
      CustomerProfile | undefined
    >((current, touchpoint) => applyTouchpoint(current, "cus_a", touchpoint), undefined) as CustomerProfile;
    const v3 = contracts.at(-1);
    if (!v3) throw new Error("expected customer-profile versions");
    const read = v3.type.fromBuffer(v3.type.toBuffer(recordOf(profileRecordOf(profile)))) as {
      state: ProfileStateRecord;
    };
    expect(read.state.recentEventIds).toEqual([]);
    expect(read.state.recentEventHashes).toHaveLength(3);
    expect(Object.keys(read.state.channels).sort()).toEqual(["phone", "store"]);
    expect(read.state.channels.store?.touchpoints).toBe(2);
    expect(read.state.lastSeenAt - read.state.firstSeenAt).toBe(9 * 24 * 60 * 60 * 1000);
    expect(profileOfRecord(read.state)).toEqual(profile);
  });
});
