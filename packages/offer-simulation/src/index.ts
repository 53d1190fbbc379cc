export { broadcastAll, randomAction, randomUntargetedAction } from "./baselines";
export { type MarketSetup, type MarketTotals, runMarket, warmUpDays } from "./market";
export { type SimulatedCustomer, simulatedPopulation } from "./population";
export { cumulativeByWeek, decisionRegret, type TrueWorth } from "./regret";
export { type PolicyReport, type SimulationOptions, type SimulationReport, simulate } from "./simulate";
