import { describe, expect, it } from "vitest";
import { minimumCustomersPerGroup, type PipelineSummary, printSummary, upliftLine } from "./summary";

const measured = {
  treatmentCustomers: 1234,
  holdoutCustomers: 61,
  difference: 12.3,
  ci95Low: -3.1,
  ci95High: 27.7,
};

describe("the uplift line of npm start's summary", () => {
  it("gives the difference in net revenue per customer with its 95 % interval and both groups' sizes", () => {
    expect(upliftLine(measured)).toBe(
      "uplift vs holdout: net revenue per customer +12.30 (95% CI −3.10 … +27.70), n=1,234 treatment / 61 holdout",
    );
    expect(upliftLine({ ...measured, difference: -4.556, ci95Low: -20, ci95High: 10.884 })).toBe(
      "uplift vs holdout: net revenue per customer −4.56 (95% CI −20.00 … +10.88), n=1,234 treatment / 61 holdout",
    );
    expect(upliftLine({ ...measured, difference: -0.001 })).toContain("net revenue per customer +0.00 (");
  });

  it("says there are too few customers instead of giving a number when a group is small", () => {
    const small = { ...measured, holdoutCustomers: minimumCustomersPerGroup - 1 };
    expect(upliftLine(small)).toBe(
      `uplift vs holdout: too few customers for an interval (n=1,234 treatment / ${minimumCustomersPerGroup - 1} holdout; at least ${minimumCustomersPerGroup} in each group needed)`,
    );
    const empty = {
      treatmentCustomers: 80,
      holdoutCustomers: 0,
      difference: null,
      ci95Low: null,
      ci95High: null,
    };
    expect(upliftLine(empty)).toMatch(/^uplift vs holdout: too few customers .*n=80 treatment \/ 0 holdout/);
    expect(upliftLine({ ...measured, holdoutCustomers: minimumCustomersPerGroup })).toMatch(/\+12\.30/);
  });

  it("ends the printed summary", () => {
    const summary: PipelineSummary = {
      touchpoints: 10,
      customers: 2,
      stages: [],
      valueDeciles: [],
      topFifthRevenueShare: 0,
      offersDecided: 0,
      suppressedByReason: [],
      acceptanceByOffer: [],
      deadLettersByReason: [],
      netRevenueUplift: measured,
    };
    const lines: string[] = [];
    const table = console.table;
    console.table = () => undefined; // the tables go to the console directly, not through `write`
    try {
      printSummary(summary, "the embedded engine", (line) => lines.push(line));
    } finally {
      console.table = table;
    }
    expect(lines.at(-1)?.trim()).toBe(upliftLine(measured));
  });
});
