export { dayFactor, localDay, weekdayOf } from "./calendar";
export { type CustomerKind, customerKinds, drawKind, type KindBehaviour, kindBehaviours } from "./kinds";
export { type OfferOutcome, type OfferToAnswer, responseOdds } from "./offer-response";
export { type PeopleOptions, peopleTouchpoints, streamPeopleTouchpoints } from "./people-touchpoints";
export { mix32, Person } from "./person";
export { type SampleOptions, sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
export {
  basketMinor,
  churnHazard,
  churnThreshold,
  nextOrganicPurchase,
  type OrganicEvent,
  type OrganicEventType,
  type OrganicParameters,
  organicDay,
  organicParameters,
} from "./simulated/organic-life";
export {
  type AcceptedOfferEffect,
  type ActionTruth,
  acceptedOfferEffect,
  fitsOrderAnyway,
  isMarketingKind,
  isMoneyOff,
  moneyOffKinds,
  type OfferContext,
  offerPurchaseMinor,
  optOutChance,
  type TrueResponseParameters,
  trueResponse,
  trueResponseParameters,
  trueSellingKinds,
} from "./simulated/true-response";
export { createWorkload, type Workload, type WorkloadOptions } from "./workload";
export { type WorkloadStreamOptions, workloadTouchpoints } from "./workload-touchpoints";
