export type { IdentityEvent } from "./identity-events";
export { customerIdFor, IdentityGraph, type IdentityGraphState, type Resolution } from "./identity-graph";
export { defaultIdentityLimits, type IdentityLimits } from "./identity-limits";
