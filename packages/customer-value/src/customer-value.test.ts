import { describe, expect, it } from "vitest";
import {
  bgnbdLogLikelihood,
  expectedPurchases,
  expectedSpend,
  FitError,
  fitBgNbd,
  fitGammaGamma,
  predictedLifetimeValue,
  probabilityAlive,
  summariseTransactions,
} from "./index";
import { simulateBgNbd, simulateGammaGamma } from "./simulate.test-support";

// Parameters Fader, Hardie & Lee (2005) estimated on the CDNOW data set.
const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const cdnowSpend = { p: 6.25, q: 3.74, v: 15.44 };

describe("BG/NBD", () => {
  it("reproduces the paper's worked example: 1.226 purchases expected in the next 39 weeks", () => {
    // x = 2, last purchase at 30.43 weeks, observed for 38.86 weeks (Fader, Hardie & Lee 2005, section 5).
    expect(expectedPurchases(cdnow, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
  });

  it("gives P(alive) = 1 to a customer without repeat purchases, and less the longer since the last one", () => {
    expect(probabilityAlive(cdnow, { x: 0, tx: 0, T: 30 })).toBe(1);
    const recent = probabilityAlive(cdnow, { x: 4, tx: 29, T: 30 });
    const lapsed = probabilityAlive(cdnow, { x: 4, tx: 5, T: 30 });
    expect(recent).toBeGreaterThan(lapsed);
    expect(lapsed).toBeGreaterThan(0);
    expect(recent).toBeLessThan(1);
  });

  it("has a log-likelihood for x = 0 equal to the closed form r·ln(α/(α+T))", () => {
    const { r, alpha } = cdnow;
    expect(bgnbdLogLikelihood(cdnow, { x: 0, tx: 0, T: 20 })).toBeCloseTo(
      r * Math.log(alpha / (alpha + 20)),
      10,
    );
  });

  it("recovers the parameters of simulated customers", () => {
    const truth = { r: 0.6, alpha: 5, a: 1.5, b: 4 };
    const customers = simulateBgNbd(truth, 6000, 11);
    const fit = fitBgNbd(customers);
    const trueLogLikelihood = customers.reduce(
      (sum, customer) => sum + bgnbdLogLikelihood(truth, customer),
      0,
    );
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(trueLogLikelihood - 1e-6);
    expect(fit.diagnostics.converged).toBe(true);
    // The mean purchase rate and mean dropout probability are what the data pin down best.
    expect(fit.params.r / fit.params.alpha).toBeCloseTo(truth.r / truth.alpha, 1);
    expect(Math.abs(fit.params.r / fit.params.alpha / (truth.r / truth.alpha) - 1)).toBeLessThan(0.1);
    expect(
      Math.abs(fit.params.a / (fit.params.a + fit.params.b) / (truth.a / (truth.a + truth.b)) - 1),
    ).toBeLessThan(0.2);
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.25);
  });

  it("refuses to fit nothing", () => {
    expect(() => fitBgNbd([])).toThrow(FitError);
  });

  it("refuses customers without repeat purchases: they say nothing of dropout", () => {
    const firstPurchasesOnly = Array.from({ length: 50 }, (_, i) => ({ x: 0, tx: 0, T: 10 + i }));
    expect(() => fitBgNbd(firstPurchasesOnly)).toThrow(/the data do not identify the model/);
  });
});

// What the Nelder–Mead fit that the quasi-Newton one replaced found on the same customers; both find
// the same maximum, so they may differ only by how precisely each locates it.
const previousFits = {
  bgnbd: {
    params: { r: 0.5922253024993005, alpha: 4.737311166131832, a: 1.5336882467278212, b: 4.138314397815396 },
    logLikelihood: -44886.39331754441,
  },
  gammaGamma: {
    params: { p: 3.790491062076479, q: 5.039128543770449, v: 63.74900342358355 },
    logLikelihood: -18925.906991500284,
  },
};

function expectSameFit<Params extends object>(
  fit: { params: Params; logLikelihood: number },
  reference: { params: Params; logLikelihood: number },
) {
  for (const name of Object.keys(reference.params) as (keyof Params)[])
    expect(
      Math.abs((fit.params[name] as number) / (reference.params[name] as number) - 1),
      String(name),
    ).toBeLessThan(1e-5);
  expect(Math.abs(fit.logLikelihood / reference.logLikelihood - 1)).toBeLessThan(1e-12);
}

describe("the fits against the previous optimiser's", () => {
  it("gives BG/NBD the same parameters and likelihood, every start agreeing", () => {
    const fit = fitBgNbd(simulateBgNbd({ r: 0.6, alpha: 5, a: 1.5, b: 4 }, 6000, 11));
    expectSameFit(fit, previousFits.bgnbd);
    expect(fit.diagnostics.startsAgreeing).toBe(4);
  });

  it("gives Gamma-Gamma the same parameters and likelihood, every start agreeing", () => {
    const fit = fitGammaGamma(simulateGammaGamma({ p: 4, q: 5, v: 60 }, 4000, 5));
    expectSameFit(fit, previousFits.gammaGamma);
    expect(fit.diagnostics.startsAgreeing).toBe(4);
  });
});

describe("Gamma-Gamma", () => {
  it("predicts the population mean p·v/(q−1) for a customer with no repeat transactions", () => {
    expect(expectedSpend(cdnowSpend, { x: 0, meanSpend: 0 })).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
  });

  it("moves towards the customer's own mean as transactions accumulate", () => {
    const few = expectedSpend(cdnowSpend, { x: 1, meanSpend: 100 });
    const many = expectedSpend(cdnowSpend, { x: 50, meanSpend: 100 });
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
    expect(many).toBeGreaterThan(90);
  });

  it("recovers the mean spend of simulated customers", () => {
    const truth = { p: 4, q: 5, v: 60 };
    const fit = fitGammaGamma(simulateGammaGamma(truth, 4000, 5));
    const populationMean = (params: typeof truth) => (params.p * params.v) / (params.q - 1);
    expect(Math.abs(populationMean(fit.params) / populationMean(truth) - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.p / truth.p - 1)).toBeLessThan(0.2);
  });

  it("refuses customers who all spend the same: spread across customers is not identified", () => {
    const alike = Array.from({ length: 50 }, () => ({ x: 2, meanSpend: 10 }));
    expect(() => fitGammaGamma(alike)).toThrow(/the data do not identify the model/);
  });

  it("refuses to fit customers without repeat transactions", () => {
    expect(() => fitGammaGamma([{ x: 0, meanSpend: 0 }])).toThrow(/no customers/);
  });
});

describe("predicted lifetime value", () => {
  const models = { bgnbd: { ...cdnow, a: 1.3 }, gammaGamma: cdnowSpend };
  const customer = { x: 3, tx: 20, T: 26, meanSpend: 40 };

  it("is expected purchases times expected spend when nothing is discounted", () => {
    const value = predictedLifetimeValue(models, customer, { horizonWeeks: 52, yearlyDiscountRate: 0 });
    const expected =
      expectedPurchases(models.bgnbd, customer, 52) * expectedSpend(models.gammaGamma, customer);
    expect(value).toBeCloseTo(expected, 8);
  });

  it("grows with the horizon and shrinks with discounting", () => {
    const year = predictedLifetimeValue(models, customer, { horizonWeeks: 52 });
    const twoYears = predictedLifetimeValue(models, customer, { horizonWeeks: 104 });
    const undiscounted = predictedLifetimeValue(models, customer, {
      horizonWeeks: 52,
      yearlyDiscountRate: 0,
    });
    expect(twoYears).toBeGreaterThan(year);
    expect(undiscounted).toBeGreaterThan(year);
  });
});

describe("summariseTransactions", () => {
  it("merges same-day purchases, ignores those after the calibration end and measures weeks from the first", () => {
    const summary = summariseTransactions(
      [
        { customerId: "a", day: "2026-01-01", amount: 10 },
        { customerId: "a", day: "2026-01-15", amount: 20 },
        { customerId: "a", day: "2026-01-15", amount: 5 },
        { customerId: "a", day: "2026-01-29", amount: 35 },
        { customerId: "a", day: "2026-03-01", amount: 99 },
        { customerId: "b", day: "2026-01-22", amount: 7 },
        { customerId: "c", day: "2026-02-10", amount: 7 },
      ],
      "2026-02-05",
    );
    expect(summary).toEqual([
      { customerId: "a", x: 2, tx: 4, T: 5, meanSpend: 30 },
      { customerId: "b", x: 0, tx: 0, T: 2, meanSpend: 0 },
    ]);
  });
});
