export type { IdentityEvent } from "./identity-events";
export {
  customerIdFor,
  type IdentityChangelogEntry,
  type IdentityChangelogValue,
  IdentityGraph,
  type IdentityGraphState,
  type MergeRecord,
  type Resolution,
} from "./identity-graph";
export { defaultIdentityLimits, type IdentityLimits } from "./identity-limits";
