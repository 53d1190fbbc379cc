import { checkTouchpoint } from "@cx/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adaptersByChannel } from "./index";
import { nativeSample, testContext } from "./test-support";

const samples = {
  store: nativeSample("store-receipt"),
  phone: nativeSample("call-record"),
  web: nativeSample("web-analytics"),
  social: nativeSample("social-webhook"),
};

/** The sample with one top-level field dropped or replaced by arbitrary JSON (often almost valid). */
const mutated = (sample: Record<string, unknown>) =>
  fc
    .record({
      key: fc.constantFrom(...Object.keys(sample)),
      value: fc.option(fc.jsonValue(), { nil: undefined }),
    })
    .map(({ key, value }) => ({ ...sample, [key]: value }));

describe.each(Object.entries(adaptersByChannel))("%s adapter under arbitrary input", (channel, adapter) => {
  const sample = samples[channel as keyof typeof samples];
  it("never throws; accepts only canonical touchpoints and rejects only with a reason", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), mutated(sample)), (input) => {
        const result = adapter.adapt(input, testContext);
        if (result.ok) {
          expect(result.touchpoints.length).toBeGreaterThan(0);
          for (const touchpoint of result.touchpoints)
            expect(checkTouchpoint(touchpoint, testContext.receivedAt).ok).toBe(true);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000, seed: 42 },
    );
  });
});
