import { purchaseOf, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { ProfileStore } from "./index";

const buy = (day: number, minor: number) => touchpointOnDay(day, purchaseOf(minor));

describe("ProfileStore", () => {
  it("absorbs a merged customer's profile once, however often the transfer is delivered", () => {
    const store = new ProfileStore();
    store.apply("cus_a", buy(0, 1000));
    store.apply("cus_b", buy(1, 2500));
    const transferred = store.release("cus_b");
    expect(transferred).toBeDefined();
    const first = store.absorb("cus_a", transferred as never, "merge_1");
    const again = store.absorb("cus_a", transferred as never, "merge_1");
    expect(first.changed).toBe(true);
    expect(again.changed).toBe(false);
    expect(again.snapshot.traits.netRevenueMinor).toBe(3500);
    expect(store.size).toBe(1);
  });

  it("lists what changed for the changelog, with a tombstone for a released customer", () => {
    const store = new ProfileStore();
    store.apply("cus_a", buy(0, 1000));
    store.apply("cus_b", buy(0, 900));
    store.takeChanges();
    store.apply("cus_a", buy(3, 500));
    store.release("cus_b");
    const changes = store.takeChanges();
    expect(changes.map((change) => [change.customerId, change.state === null])).toEqual([
      ["cus_a", false],
      ["cus_b", true],
    ]);
    expect(store.takeChanges()).toEqual([]);
  });

  it("keeps no changelog when told nobody takes it, and judges the same", () => {
    const kept = new ProfileStore();
    const unkept = new ProfileStore({}, { keepChangelog: false });
    for (const store of [kept, unkept]) {
      store.apply("cus_a", buy(0, 1000));
      store.apply("cus_b", buy(1, 900));
      store.release("cus_b", "cus_a");
    }
    expect(unkept.takeChanges()).toEqual([]);
    expect(kept.takeChanges()).toHaveLength(2);
    const later = buy(5, 300);
    expect(unkept.apply("cus_a", later)).toEqual(kept.apply("cus_a", later));
  });

  it("continues from restored state exactly as the original would have", () => {
    const original = new ProfileStore();
    original.apply("cus_a", buy(0, 1000));
    original.apply("cus_a", buy(40, 3000));
    const restored = new ProfileStore();
    for (const change of original.takeChanges()) if (change.state) restored.restore(change.state);
    const next = buy(80, 2000);
    expect(restored.apply("cus_a", next)).toEqual(original.apply("cus_a", next));
    expect(restored.apply("cus_a", next).changed).toBe(false);
  });
});
