import { describe, expect, it } from "vitest";
import { reportPeriodOptions } from "./report";
import { UsageError } from "./usage-error";

describe("cx report --from/--to", () => {
  it("takes calendar days, either or both", () => {
    expect(reportPeriodOptions({ from: "2026-01-01", to: "2026-01-31" })).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
    });
    expect(reportPeriodOptions({ to: "2026-01-31" })).toEqual({ to: "2026-01-31" });
    expect(reportPeriodOptions({})).toEqual({});
  });

  it("refuses what is not a day, and a period that ends before it starts (usage errors: exit 2)", () => {
    expect(() => reportPeriodOptions({ from: "yesterday" })).toThrow(UsageError);
    expect(() => reportPeriodOptions({ to: "2026-02-30" })).toThrow(/--to 2026-02-30: expected a day/);
    expect(() => reportPeriodOptions({ from: "2026-02-01", to: "2026-01-01" })).toThrow(/is after --to/);
  });
});
