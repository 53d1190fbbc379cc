import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSchemaVersions } from "@cx/contracts";
import { eventIdHash } from "@cx/customer-profile";
import { CustomerEnricher } from "@cx/enrichment";
import { parseCatalog } from "@cx/offers";
import { customerFromRecord, customerStateRecord, decisionRecords, offerContracts } from "@cx/stage-records";
import { touchpointOnDay } from "@cx/testing";
import type { Type } from "avsc";
import { describe, expect, it } from "vitest";
import { PartitionOffers } from "./index";
import { defaultSettings } from "./test-settings";

const catalog = parseCatalog(
  readFileSync(fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url)), "utf8"),
);
const roundTrip = <T>(type: Type, value: T): T => {
  expect(type.isValid(value, { errorHook: (path) => expect.fail(`invalid at ${path.join(".")}`) })).toBe(
    true,
  );
  return JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)))) as T;
};

describe("offer records", () => {
  it("carry decisions, suppressions and the per-customer state through Avro unchanged", () => {
    const enricher = new CustomerEnricher();
    const offers = PartitionOffers.create(catalog, defaultSettings);
    const out = { decisions: [] as never[], outcomes: [] as never[] } as Parameters<
      PartitionOffers["handle"]
    >[3];
    const stream = [
      touchpointOnDay(0, {
        type: "consent_change",
        channel: "web",
        consent: { scope: "email", granted: true },
      }),
      touchpointOnDay(1, { type: "cart", channel: "web" }),
      touchpointOnDay(2, { type: "complaint", channel: "phone", sentiment: -0.8 }),
    ];
    for (const touchpoint of stream) {
      const { snapshot } = enricher.process(touchpoint);
      offers.handle(snapshot.customerId, touchpoint, snapshot, out);
    }
    expect(out.decisions.length).toBe(2);
    for (const decision of out.decisions) {
      const { offers: sent, suppressed } = decisionRecords(decision, catalog.version);
      for (const record of sent) roundTrip(offerContracts.offer.type, record.value);
      for (const record of suppressed) roundTrip(offerContracts.suppressed.type, record.value);
    }
    const { customers } = offers.takeChanges();
    for (const [, customer] of customers) {
      if (!customer) continue;
      const record = roundTrip(offerContracts.state.type, customerStateRecord(customer));
      expect(customerFromRecord(record.customer as NonNullable<typeof record.customer>)).toEqual(
        JSON.parse(JSON.stringify(customer)),
      );
    }
  });

  it("read a v1 state record's remembered touchpoint ids as the hashes v2 remembers", () => {
    const enricher = new CustomerEnricher();
    const offers = PartitionOffers.create(catalog, defaultSettings);
    const out = { decisions: [] as never[], outcomes: [] as never[] } as Parameters<
      PartitionOffers["handle"]
    >[3];
    const cart = touchpointOnDay(1, { type: "cart", channel: "web" });
    const { snapshot } = enricher.process(cart);
    offers.handle(snapshot.customerId, cart, snapshot, out);
    const [change] = offers.takeChanges().customers;
    const customer = change?.[1];
    if (!customer) return expect.fail("the cart changed no customer's state");
    const written = customerStateRecord(customer);
    expect(written.customer?.seenEventIds).toEqual([]);
    expect(written.customer?.seenEventHashes).toEqual([eventIdHash(cart.eventId)]);
    // As v1 wrote it: the ids, no hashes.
    const [v1] = loadSchemaVersions("offer-state");
    const v1Record = {
      ...written,
      customer: { ...written.customer, seenEventIds: ["earlier", cart.eventId] },
    };
    const bytes = (v1 as typeof v1 & object).type.toBuffer(v1Record);
    const v2 = offerContracts.state.type;
    const read = v2.fromBuffer(
      bytes,
      v2.createResolver((v1 as NonNullable<typeof v1>).type),
    ) as typeof written;
    expect(
      customerFromRecord(read.customer as NonNullable<typeof read.customer>).state.seenEventHashes,
    ).toEqual([eventIdHash("earlier"), eventIdHash(cart.eventId)]);
  });

  it("tombstone an erased customer's state, and decide nothing on a redelivered request", () => {
    const enricher = new CustomerEnricher();
    const offers = PartitionOffers.create(catalog, defaultSettings);
    const out = { decisions: [] as never[], outcomes: [] as never[] } as Parameters<
      PartitionOffers["handle"]
    >[3];
    const consent = touchpointOnDay(0, {
      type: "consent_change",
      channel: "web",
      consent: { scope: "email", granted: true },
    });
    const erasure = touchpointOnDay(1, { type: "erasure_request", channel: "web" });
    const { snapshot } = enricher.process(consent);
    offers.handle(snapshot.customerId, consent, snapshot, out);
    offers.takeChanges();
    offers.handle(snapshot.customerId, erasure, snapshot, out);
    expect(offers.customers.has(snapshot.customerId)).toBe(false);
    expect(offers.takeChanges().customers).toEqual([[snapshot.customerId, null]]);
    const decided = out.decisions.length;
    offers.handle(snapshot.customerId, erasure, snapshot, out);
    expect(out.decisions.length).toBe(decided);
    expect(offers.customers.has(snapshot.customerId)).toBe(false);
  });
});
