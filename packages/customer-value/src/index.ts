export {
  type BgNbdParams,
  bgnbdLogLikelihood,
  expectedPurchases,
  type PurchaseHistory,
  probabilityAlive,
} from "./bgnbd";
export { type Fit, type FitDiagnostics, FitError, fitBgNbd, fitGammaGamma } from "./fit";
export {
  expectedSpend,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
  type SpendHistory,
} from "./gamma-gamma";
export { type LifetimeValueOptions, predictedLifetimeValue } from "./lifetime-value";
export { type FittedModels, parseFittedModels } from "./model-file";
export { type PurchaseLogOptions, simulatePurchaseLog } from "./purchase-log";
export { type CustomerSummary, summariseTransactions, type Transaction } from "./transactions";
export { type ValueForecast, ValueForecaster } from "./value-forecaster";
