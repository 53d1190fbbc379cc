import { describe, expect, it } from "vitest";
import { expectedPurchases, predictedLifetimeValue, probabilityAlive, ValueForecaster } from "./index";

const gammaGamma = { p: 6.25, q: 3.74, v: 15.44 };
const histories = [
  { x: 0, tx: 0, T: 0, meanSpend: 0 },
  { x: 0, tx: 0, T: 17 / 7, meanSpend: 0 },
  { x: 1, tx: 3 / 7, T: 40 / 7, meanSpend: 52.5 },
  { x: 3, tx: 20, T: 26, meanSpend: 40 },
  { x: 3, tx: 5, T: 26, meanSpend: 12 },
  { x: 12, tx: 300 / 7, T: 365 / 7, meanSpend: 80.25 },
];

describe("ValueForecaster", () => {
  for (const bgnbd of [
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    { r: 0.243, alpha: 4.414, a: 1, b: 2.426 },
  ])
    it(`gives exactly what the single functions give, first time and remembered (a = ${bgnbd.a})`, () => {
      const models = { bgnbd, gammaGamma };
      const valuation = { horizonWeeks: 52, yearlyDiscountRate: 0.1 };
      const forecaster = new ValueForecaster(models, valuation);
      for (const round of [1, 2])
        for (const history of histories)
          expect({ round, ...forecaster.forecast(history, history.meanSpend) }).toEqual({
            round,
            probabilityAlive: probabilityAlive(bgnbd, history),
            expectedPurchasesNextYear: expectedPurchases(bgnbd, history, 52),
            predictedValue: predictedLifetimeValue(models, history, valuation),
          });
    });

  it("does not let one customer's t_x or spend leak into another's forecast of the same x and T", () => {
    const forecaster = new ValueForecaster(
      { bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma },
      { horizonWeeks: 52 },
    );
    const recent = forecaster.forecast({ x: 3, tx: 25, T: 26 }, 40);
    const lapsed = forecaster.forecast({ x: 3, tx: 2, T: 26 }, 40);
    const bigSpender = forecaster.forecast({ x: 3, tx: 25, T: 26 }, 400);
    expect(lapsed.probabilityAlive).toBeLessThan(recent.probabilityAlive);
    expect(lapsed.predictedValue).toBeLessThan(recent.predictedValue);
    expect(bigSpender.predictedValue).toBeGreaterThan(recent.predictedValue);
  });
});
