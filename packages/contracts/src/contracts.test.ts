import avro from "avsc";
import { describe, expect, it } from "vitest";
import {
  checkCompatibility,
  loadSchemaVersions,
  type Touchpoint,
  touchpointContract,
  validateTouchpoint,
} from "./index";

const sample: Touchpoint = {
  eventId: "store-0001",
  occurredAt: Date.UTC(2026, 10, 1, 10, 30),
  receivedAt: Date.UTC(2026, 10, 1, 10, 31),
  channel: "store",
  type: "return",
  identifiers: { loyaltyId: "L-1", emailHash: null, phoneHash: null, deviceId: null, socialHandle: null },
  amount: { minor: -1999, currency: "EUR" },
  sentiment: 0.4,
  attributes: { store: "berlin-mitte" },
};

describe("touchpoint contract", () => {
  it("round-trips a touchpoint through Avro unchanged", () => {
    const type = touchpointContract.type;
    expect(type.isValid(sample)).toBe(true);
    expect(type.fromBuffer(type.toBuffer(sample))).toEqual(sample);
  });

  it("rejects a touchpoint with a channel the contract does not know", () => {
    expect(touchpointContract.type.isValid({ ...sample, channel: "fax" })).toBe(false);
  });

  it("keeps every schema version backward and forward compatible with the one before", () => {
    const versions = loadSchemaVersions("touchpoint");
    expect(versions.length).toBeGreaterThan(0);
    for (const [index, version] of versions.entries()) {
      const previous = versions[index - 1];
      if (!previous) continue;
      const report = checkCompatibility(previous.type, version.type);
      expect(report.problems, `v${previous.version} → v${version.version}`).toEqual([]);
    }
  });

  it("detects an incompatible change, so the check above can fail", () => {
    const withRequiredField = avro.Type.forSchema({
      ...(touchpointContract.schema as avro.schema.RecordType),
      fields: [
        ...(touchpointContract.schema as avro.schema.RecordType).fields,
        { name: "storeId", type: "string" },
      ],
    });
    const report = checkCompatibility(touchpointContract.type, withRequiredField);
    expect(report.backward).toBe(false);
    expect(report.forward).toBe(true);
  });
});

describe("validateTouchpoint", () => {
  const now = Date.UTC(2026, 10, 2);
  it("accepts a sound touchpoint", () => {
    expect(validateTouchpoint(sample, now)).toBeUndefined();
  });
  it.each([
    [{ eventId: " " }, /eventId/],
    [{ occurredAt: now + 3 * 24 * 3600 * 1000 }, /future/],
    [{ amount: { minor: 100, currency: "euro" } }, /ISO 4217/],
    [{ sentiment: 3 }, /outside/],
    [{ identifiers: { ...sample.identifiers, loyaltyId: null } }, /no customer identifier/],
  ])("rejects %o", (change, reason) => {
    expect(validateTouchpoint({ ...sample, ...change } as Touchpoint, now)).toMatch(reason);
  });
});
