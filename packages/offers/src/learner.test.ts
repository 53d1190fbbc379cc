import { describe, expect, it } from "vitest";
import { PropensityLearner } from "./learner";

const context = "loyal|top|email|day|took|frequent|0";

describe("PropensityLearner's remembered cells", () => {
  it("keeps an action asked with its family apart from the same action asked without one", () => {
    const learner = new PropensityLearner();
    // Another action of the family teaches the family's cells only.
    for (let outcome = 0; outcome < 200; outcome++) learner.update("other-offer", context, true, "selling");
    const withFamily = learner.mean("an-offer", context, "selling");
    const withoutFamily = learner.mean("an-offer", context);
    expect(withFamily).toBeGreaterThan(0.5);
    // Nothing taught this action itself: the flat prior's mean, 1 / (1 + 9).
    expect(withoutFamily).toBeCloseTo(0.1, 10);
    expect(learner.mean("an-offer", context, "selling")).toBe(withFamily);
  });

  it("answers from the evidence as it is now, after the cells were remembered", () => {
    const learner = new PropensityLearner();
    const before = learner.mean("an-offer", context, "care");
    for (let outcome = 0; outcome < 50; outcome++) learner.update("an-offer", context, true, "care");
    const after = learner.mean("an-offer", context, "care");
    expect(after).toBeGreaterThan(before);
    expect(learner.mean("an-offer", "new|low|sms|morning|none|rare|2", "care")).toBeLessThan(after);
  });
});
