import { validateTouchpoint } from "@cx/contracts";
import { describe, expect, it } from "vitest";
import { sampleTouchpoints } from "./sample-touchpoints";

describe("sampleTouchpoints", () => {
  const options = { count: 200, seed: 7, endAt: Date.UTC(2026, 10, 1) };

  it("is reproducible from its seed", () => {
    expect(sampleTouchpoints(options)).toEqual(sampleTouchpoints(options));
    expect(sampleTouchpoints({ ...options, seed: 8 })).not.toEqual(sampleTouchpoints(options));
  });

  it("produces only valid touchpoints with unique ids and signed amounts", () => {
    const touchpoints = sampleTouchpoints(options);
    expect(new Set(touchpoints.map((touchpoint) => touchpoint.eventId)).size).toBe(200);
    for (const touchpoint of touchpoints)
      expect(validateTouchpoint(touchpoint, options.endAt)).toBeUndefined();
    const returns = touchpoints.filter((touchpoint) => touchpoint.type === "return");
    expect(returns.length).toBeGreaterThan(0);
    for (const touchpoint of returns) expect(touchpoint.amount?.minor).toBeLessThan(0);
  });
});
