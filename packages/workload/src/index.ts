export { dayFactor, localDay, weekdayOf } from "./calendar";
export { type CustomerKind, customerKinds, type KindBehaviour, kindBehaviours } from "./kinds";
export { type OfferOutcome, type OfferToAnswer, responseOdds } from "./offer-response";
export { Person } from "./person";
export { createWorkload, type Workload, type WorkloadOptions } from "./workload";
