import { describe, expect, it } from "vitest";
import { isHeldOut } from "./holdout";

const ids = Array.from({ length: 100_000 }, (_, index) => `cus_${index.toString(36).padStart(8, "0")}`);

describe("the universal holdout", () => {
  it.each([5, 20])("holds out %d percent of 100,000 customer ids, within ±0.5 points", (percent) => {
    const held = ids.filter((id) => isHeldOut(id, { percent, salt: "test-salt-1" })).length;
    expect(Math.abs((held / ids.length) * 100 - percent)).toBeLessThanOrEqual(0.5);
  });

  it("depends on the id and the salt alone: the same on every call and instance, reshuffled by a new salt", () => {
    const settings = { percent: 5, salt: "test-salt-1" };
    const groups = ids.slice(0, 2000).map((id) => isHeldOut(id, settings));
    expect(ids.slice(0, 2000).map((id) => isHeldOut(id, { ...settings }))).toEqual(groups);
    const resalted = ids.slice(0, 2000).map((id) => isHeldOut(id, { ...settings, salt: "test-salt-2" }));
    expect(resalted).not.toEqual(groups);
  });

  it("holds out nobody at 0 and everybody at 100", () => {
    expect(ids.slice(0, 1000).some((id) => isHeldOut(id, { percent: 0, salt: "s" }))).toBe(false);
    expect(ids.slice(0, 1000).every((id) => isHeldOut(id, { percent: 100, salt: "s" }))).toBe(true);
  });
});
