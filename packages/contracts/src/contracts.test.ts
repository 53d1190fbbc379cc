import avro from "avsc";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkCompatibility,
  checkTouchpoint,
  contractNames,
  describeDrift,
  loadSchemaVersions,
  noExperience,
  type Touchpoint,
  touchpointContract,
  touchpointSchema,
  validateTouchpoint,
} from "./index";

const hash = "a".repeat(64);
const sample: Touchpoint = {
  eventId: "store:R-0001",
  occurredAt: Date.UTC(2026, 10, 1, 10, 30),
  receivedAt: Date.UTC(2026, 10, 1, 10, 31),
  channel: "store",
  type: "return",
  identifiers: { loyaltyId: "L-1", emailHash: hash, phoneHash: null, deviceId: null, socialHandle: null },
  amount: { minor: -1999, currency: "EUR", discountMinor: 0, marginMinor: null },
  sentiment: 0.4,
  sourceSystem: "berlin-tills",
  lineItems: [{ sku: "CABLE-USB-C", quantity: -1, unitPriceMinor: 1999, discountMinor: 0 }],
  experience: { ...noExperience, satisfaction: 5 },
  offerResponse: null,
  consent: null,
  social: null,
  referral: null,
  attributes: { store: "berlin-mitte" },
};

describe("touchpoint contract", () => {
  it("round-trips a touchpoint through Avro unchanged", () => {
    const type = touchpointContract.type;
    expect(type.isValid(sample)).toBe(true);
    expect({ ...type.fromBuffer(type.toBuffer(sample)) }).toEqual(sample);
  });

  it("has the same structure in zod (and so in TypeScript) as in Avro", () => {
    expect(describeDrift(touchpointContract.schema as never, touchpointSchema)).toEqual([]);
  });

  it("notices drift between zod and Avro, so the check above can fail", () => {
    const drifted = touchpointSchema.extend({ sentiment: z.number(), extra: z.string() });
    expect(describeDrift(touchpointContract.schema as never, drifted)).toEqual([
      "$.extra: in zod, not in Avro",
      '$.sentiment: Avro union ["null","double"] needs a nullable zod schema (only [null, T] unions are used)',
    ]);
  });

  it("keeps every schema version backward and forward compatible with the one before", () => {
    const versions = loadSchemaVersions("touchpoint");
    expect(versions.length).toBeGreaterThan(1);
    for (const [index, version] of versions.entries()) {
      const previous = versions[index - 1];
      if (!previous) continue;
      const report = checkCompatibility(previous.type, version.type);
      expect(report.problems, `v${previous.version} → v${version.version}`).toEqual([]);
    }
  });

  it("lets a v1 reader read a v2 touchpoint whose type it does not know, as 'other'", () => {
    const [v1, v2] = loadSchemaVersions("touchpoint");
    if (!v1 || !v2) throw new Error("expected v1 and v2");
    const written = v2.type.toBuffer({ ...sample, type: "payment_failed" });
    const read = v1.type.fromBuffer(written, v1.type.createResolver(v2.type)) as { type: string };
    expect(read.type).toBe("other");
  });

  it("detects an incompatible change, so the compatibility check can fail", () => {
    const schema = touchpointContract.schema as avro.schema.RecordType;
    const withRequiredField = avro.Type.forSchema({
      ...schema,
      fields: [...schema.fields, { name: "storeId", type: "string" }],
    });
    const report = checkCompatibility(touchpointContract.type, withRequiredField);
    expect(report.backward).toBe(false);
    expect(report.forward).toBe(true);
  });
});

describe("every contract", () => {
  it("keeps each version backward and forward compatible with the one before", () => {
    const evolved = contractNames().filter((name) => loadSchemaVersions(name).length > 1);
    expect(evolved).toEqual(
      expect.arrayContaining(["customer-profile", "enriched-touchpoint", "touchpoint"]),
    );
    for (const name of evolved) {
      const versions = loadSchemaVersions(name);
      for (const [index, version] of versions.entries()) {
        const previous = versions[index - 1];
        if (!previous) continue;
        const report = checkCompatibility(previous.type, version.type);
        expect(report.problems, `${name} v${previous.version} → v${version.version}`).toEqual([]);
      }
    }
  });

  it.each(["enriched-touchpoint", "customer-profile"])(
    "%s: a v2 reader reads a v1 record as not held out, a v1 reader reads a v2 record without the flag",
    (name) => {
      const [v1, v2] = loadSchemaVersions(name);
      if (!v1 || !v2) throw new Error(`expected v1 and v2 of ${name}`);
      const old = v1.type.random() as unknown as Record<string, unknown>;
      const readByNew = v2.type.fromBuffer(v1.type.toBuffer(old), v2.type.createResolver(v1.type)) as Record<
        string,
        unknown
      >;
      expect(readByNew.holdout).toBe(false);
      expect(readByNew.customerId).toBe(old.customerId);
      const held: Record<string, unknown> = { ...(v2.type.random() as unknown as object), holdout: true };
      const readByOld = v1.type.fromBuffer(v2.type.toBuffer(held), v1.type.createResolver(v2.type)) as Record<
        string,
        unknown
      >;
      expect(readByOld.customerId).toBe(held.customerId);
      expect("holdout" in readByOld).toBe(false);
      expect((v2.type.fromBuffer(v2.type.toBuffer(held)) as Record<string, unknown>).holdout).toBe(true);
    },
  );
});

describe("checkTouchpoint", () => {
  const now = Date.UTC(2026, 10, 2);
  it("accepts a sound touchpoint", () => {
    expect(checkTouchpoint(sample, now)).toEqual({ ok: true, touchpoint: sample });
  });
  it.each([
    [{ eventId: " " }, "eventId: must not be empty"],
    [{ occurredAt: now + 3 * 24 * 3600 * 1000 }, "occurredAt: is more than a day in the future"],
    [{ amount: { minor: 100, currency: "euro", discountMinor: 0, marginMinor: null } }, "amount.currency"],
    [{ amount: { minor: Number.NaN, currency: "EUR", discountMinor: 0, marginMinor: null } }, "amount.minor"],
    [{ sentiment: 3 }, "sentiment"],
    [{ channel: "fax" }, "channel"],
    [{ eventId: "bad\ud800" }, "eventId: contains invalid unicode"],
    [
      { identifiers: { ...sample.identifiers, emailHash: "ann@example.com" } },
      "identifiers.emailHash: must be a 64-character",
    ],
    [
      {
        identifiers: {
          loyaltyId: null,
          emailHash: null,
          phoneHash: null,
          deviceId: null,
          socialHandle: null,
        },
      },
      "identifiers: needs at least one customer identifier",
    ],
    [{ experience: { ...noExperience, nps: 11 } }, "experience.nps"],
  ])("rejects %o naming the field", (change, reason) => {
    expect(validateTouchpoint({ ...sample, ...change }, now)).toContain(reason);
  });
});
