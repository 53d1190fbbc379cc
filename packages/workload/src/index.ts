export { dayFactor, localDay, weekdayOf } from "./calendar";
export { type CustomerKind, customerKinds, type KindBehaviour, kindBehaviours } from "./kinds";
export { type OfferOutcome, type OfferToAnswer, responseOdds } from "./offer-response";
export { type PeopleOptions, peopleTouchpoints, streamPeopleTouchpoints } from "./people-touchpoints";
export { Person } from "./person";
export { type SampleOptions, sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
export { createWorkload, type Workload, type WorkloadOptions } from "./workload";
export { type WorkloadStreamOptions, workloadTouchpoints } from "./workload-touchpoints";
