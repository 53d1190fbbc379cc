import { describe, expect, it } from "vitest";
import { churnHazard, nextOrganicPurchase, organicDay, organicParameters } from "./organic-life";

describe("the simulated customers' life without offers", () => {
  it("is a function of seed, customer and day, so every policy meets the same customers", () => {
    const days = Array.from({ length: 200 }, (_, day) => organicDay(7, 3, day, "loyal", false));
    expect(Array.from({ length: 200 }, (_, day) => organicDay(7, 3, day, "loyal", false))).toEqual(days);
    const purchases = days.filter((event) => event?.type === "purchase").length;
    // loyal: 0.22 contacts a day, 55 % of those that are not complaints or service end in a purchase.
    expect(purchases).toBeGreaterThan(10);
    expect(purchases).toBeLessThan(45);
  });

  it("finds the purchase a customer would make anyway, and none for one who has left", () => {
    const next = nextOrganicPurchase(7, 3, "loyal", 0, 60);
    expect(next).not.toBeNull();
    expect(organicDay(7, 3, next?.day ?? -1, "loyal", false)?.type).toBe("purchase");
    for (let day = 0; day < 200; day++)
      expect(organicDay(7, 3, day, "loyal", true)?.type).not.toBe("purchase");
  });

  it("churns likelier after a complaint, less so once a recovery action answered it", () => {
    const base = churnHazard("occasional", 10, null, false);
    expect(churnHazard("occasional", 10, 5, false)).toBe(base * organicParameters.unrecoveredComplaintChurn);
    expect(churnHazard("occasional", 10, 5, true)).toBe(base * organicParameters.recoveredComplaintChurn);
    expect(churnHazard("occasional", 60, 5, false)).toBe(base);
  });
});
