import type { Touchpoint } from "@cx/contracts";
import { channelsOf } from "@cx/customer-profile";
import { seededRandom } from "@cx/random";
import { cdnowModels, purchaseOf, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { CustomerEnricher } from "./index";

const hash = (name: string) => name.padEnd(64, "0");
const models = cdnowModels;
const touch = (
  days: number,
  identifiers: Partial<Touchpoint["identifiers"]>,
  fields: Parameters<typeof touchpointOnDay>[1] = {},
) => touchpointOnDay(days, { ...fields, identifiers });
const buy = (minor: number) => purchaseOf(minor);

describe("CustomerEnricher", () => {
  it("makes one customer with one profile of the web, store and phone touchpoints of one person", () => {
    const enricher = new CustomerEnricher({ models });
    const web = enricher.process(
      touch(0, { deviceId: "cookie-1", emailHash: hash("ann") }, { channel: "web", type: "page_view" }),
    );
    const store = enricher.process(touch(2, { loyaltyId: "L1", emailHash: hash("ann") }, buy(4000)));
    const phone = enricher.process(
      touch(
        5,
        { loyaltyId: "L1", phoneHash: hash("ann-phone") },
        { channel: "phone", type: "call", sentiment: 0.4 },
      ),
    );
    expect(new Set([web, store, phone].map((result) => result.snapshot.customerId)).size).toBe(1);
    expect(enricher.customers).toBe(1);
    const profile = enricher.profileOf(web.snapshot.customerId);
    expect(Object.keys(channelsOf(profile?.channelActivity ?? [])).sort()).toEqual(["phone", "store", "web"]);
    expect(phone.snapshot.traits.netRevenueMinor).toBe(4000);
    expect(phone.snapshot.lifecycle.stage).toBe("new");
  });

  it("merges the profiles of two customers found to be one person", () => {
    const enricher = new CustomerEnricher();
    const online = enricher.process(touch(0, { emailHash: hash("bo") }, { channel: "web", ...buy(1000) }));
    const inStore = enricher.process(touch(1, { loyaltyId: "L9" }, buy(2000)));
    expect(enricher.customers).toBe(2);
    const both = enricher.process(touch(3, { loyaltyId: "L9", emailHash: hash("bo") }, buy(500)));
    expect(both.identityEvents.map((event) => event.type)).toEqual(["customers_merged"]);
    expect(both.snapshot.customerId).toBe(online.snapshot.customerId);
    expect(enricher.profileOf(inStore.snapshot.customerId)).toBeUndefined();
    expect(both.snapshot.traits.netRevenueMinor).toBe(3500);
    expect(both.snapshot.traits.purchaseDays).toBe(3);
  });

  it("emits a stage change only when the stage changes", () => {
    const enricher = new CustomerEnricher({ models });
    const visit = enricher.process(touch(0, { loyaltyId: "L5" }));
    const firstPurchase = enricher.process(touch(1, { loyaltyId: "L5" }, buy(3000)));
    const anotherVisit = enricher.process(touch(2, { loyaltyId: "L5" }));
    expect(visit.stageChanges).toMatchObject([{ from: null, to: "prospect" }]);
    expect(firstPurchase.stageChanges).toMatchObject([{ from: "prospect", to: "new" }]);
    expect(anotherVisit.stageChanges).toEqual([]);
  });

  it("gives the same snapshots on a replay, and a redelivered touchpoint changes nothing", () => {
    const random = seededRandom(7);
    const stream = Array.from({ length: 400 }, (_, i) => {
      const person = Math.floor(random() * 40);
      const ids =
        random() < 0.5
          ? { loyaltyId: `L${person}` }
          : { loyaltyId: `L${person}`, emailHash: hash(`p${person}`) };
      return touch(i / 4, ids, random() < 0.4 ? buy(1000 + Math.floor(random() * 9000)) : {});
    });
    const run = () => {
      const enricher = new CustomerEnricher({ models });
      return { enricher, snapshots: stream.map((touchpoint) => enricher.process(touchpoint).snapshot) };
    };
    const first = run();
    expect(run().snapshots).toEqual(first.snapshots);
    const profilesBefore = stream.map((touchpoint) =>
      first.enricher.profileOf(first.snapshots[stream.indexOf(touchpoint)]?.customerId ?? ""),
    );
    const again = stream.slice(-50).map((touchpoint) => first.enricher.process(touchpoint));
    expect(again.every((result) => result.stageChanges.length === 0 && !result.changed)).toBe(true);
    const profilesAfter = stream.map((touchpoint) =>
      first.enricher.profileOf(first.snapshots[stream.indexOf(touchpoint)]?.customerId ?? ""),
    );
    expect(profilesAfter).toEqual(profilesBefore);
  });
});
