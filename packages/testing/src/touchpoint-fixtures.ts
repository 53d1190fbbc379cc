import { newTouchpoint, noIdentifiers, type Touchpoint, type TouchpointFields } from "@cx/contracts";

export const dayMs = 24 * 60 * 60 * 1000;
/** Day 0 of the fixtures' calendar. */
export const fixtureStart = Date.UTC(2026, 0, 1, 12);

/** Parameters Fader, Hardie & Lee (2005) fitted to the CDNOW data set: realistic model inputs. */
export const cdnowModels = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
} as const;

let sequence = 0;

type FixtureFields = Partial<Omit<TouchpointFields, "identifiers">> & {
  identifiers?: Partial<Touchpoint["identifiers"]>;
};

/**
 * A valid touchpoint `days` after fixtureStart with a fresh event id: a store visit by loyalty card
 * L1 unless `fields` say otherwise (identifiers given replace L1; unnamed ones are null).
 */
export function touchpointOnDay(days: number, fields: FixtureFields = {}): Touchpoint {
  const at = fixtureStart + days * dayMs;
  const { identifiers, ...rest } = fields;
  return newTouchpoint({
    eventId: `fixture-${sequence++}`,
    occurredAt: at,
    receivedAt: at,
    channel: "store",
    type: "visit",
    sourceSystem: "test",
    ...rest,
    identifiers: { ...noIdentifiers, ...(identifiers ?? { loyaltyId: "L1" }) },
  });
}

export const money = (minor: number, discountMinor = 0) => ({
  minor,
  currency: "EUR",
  discountMinor,
  marginMinor: null,
});

/** Fields of a purchase (or, with a negative amount, a return) of `minor` units. */
export const purchaseOf = (minor: number, discountMinor = 0) =>
  ({ type: minor < 0 ? "return" : "purchase", amount: money(minor, discountMinor) }) as const;
