import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CustomerEnricher } from "@cx/enrichment";
import { careKinds, type Decision, parseCatalog } from "@cx/offers";
import { decisionRecords, offerContracts } from "@cx/stage-records";
import { touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { PartitionOffers } from "./partition-offers";
import { defaultSettings } from "./test-settings";

const catalog = parseCatalog(
  readFileSync(fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url)), "utf8"),
);
const purchase = (day: number, minor: number) =>
  touchpointOnDay(day, {
    type: "purchase",
    amount: { minor, currency: "EUR", discountMinor: 0, marginMinor: null },
  });
const stream = [
  touchpointOnDay(0, { type: "consent_change", channel: "web", consent: { scope: "all", granted: true } }),
  purchase(1, 6000),
  purchase(20, 7000),
  touchpointOnDay(30, { type: "cart", channel: "web" }),
  purchase(40, 8000),
  touchpointOnDay(60, { type: "complaint", channel: "phone", sentiment: -0.8 }),
];

/** The stream's decisions with the whole population held out (100) or none of it (0). */
function decisions(percent: number): Decision[] {
  const enricher = new CustomerEnricher();
  const settings = {
    ...defaultSettings,
    engine: { ...defaultSettings.engine, holdout: { percent, salt: "records-test-salt" } },
  };
  const offers = PartitionOffers.create(catalog, settings);
  const out: Parameters<PartitionOffers["handle"]>[3] = { decisions: [], outcomes: [] };
  for (const touchpoint of stream) {
    const { snapshot } = enricher.process(touchpoint);
    offers.handle(snapshot.customerId, touchpoint, snapshot, out);
  }
  return out.decisions;
}

const isMarketing = (decision: Decision) =>
  decision.offer !== null && !careKinds.includes(decision.offer.kind);

describe("a held-out customer's decisions on the topics", () => {
  it("put what marketing would have sent on cx.suppressed-decisions with reason holdout, and care on cx.offers", () => {
    const treated = decisions(0);
    const held = decisions(100);
    expect(held).toHaveLength(treated.length);
    expect(treated.filter(isMarketing).length).toBeGreaterThan(0);
    expect(treated.some((decision) => decision.offer && careKinds.includes(decision.offer.kind))).toBe(true);
    const kindOf = new Map(catalog.offers.map((offer) => [offer.id, offer.kind]));
    const holdoutsOf = (decision: Decision) =>
      decisionRecords(decision, catalog.version).suppressed.filter(
        (record) => record.value?.reason === "holdout",
      );
    for (const decision of held) {
      const records = decisionRecords(decision, catalog.version);
      for (const record of records.offers) expect(careKinds).toContain(record.value?.kind);
      for (const record of holdoutsOf(decision)) {
        expect(careKinds).not.toContain(kindOf.get(record.value?.offerId ?? ""));
        expect(offerContracts.suppressed.type.isValid(record.value)).toBe(true);
      }
    }
    // Up to the first marketing message both customers have the same history: there the held-out
    // one is recorded as held out of exactly what the treated one was sent.
    const first = treated.findIndex(isMarketing);
    const heldAtFirst = held[first] as Decision;
    expect(holdoutsOf(heldAtFirst).map((record) => record.value?.offerId)).toEqual([
      treated[first]?.offer?.id,
    ]);
    for (const decision of held.slice(0, first)) expect(holdoutsOf(decision)).toEqual([]);
  });
});
