import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTime } from "./iso-time";

describe("isoTime", () => {
  it("is toISOString for any time a Date can hold", () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it("is toISOString at the edges of days, years and the four-digit years", () => {
    for (const ms of [
      0,
      -1,
      86_399_999,
      86_400_000,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      -62_167_219_200_000,
      -62_167_219_200_001,
      253_402_300_799_999,
      253_402_300_800_000,
    ])
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("refuses what toISOString refuses", () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(isoTime(1.5)).toBe(new Date(1.5).toISOString());
  });
});
