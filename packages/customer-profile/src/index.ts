export { applyTouchpoint } from "./apply-touchpoint";
export {
  type ChannelActivity,
  type ChannelActivityList,
  channelActivityOf,
  channelsOf,
  firstSeenAt,
  lastSeenAt,
} from "./channel-activity";
export {
  assessLifecycle,
  defaultLifecycleRules,
  type LifecycleAssessment,
  type LifecycleRules,
  type LifecycleStage,
  lifecycleStages,
} from "./lifecycle";
export { mergeProfiles } from "./merge-profiles";
export { type CustomerProfile, emptyProfile } from "./profile";
export {
  type PurchaseDayFields,
  type PurchaseDays,
  purchaseDayFields,
  purchaseDaysOfFields,
} from "./purchase-days";
export {
  eventIdHash,
  mergeIdHash,
  rememberEvent,
  rememberedEventIds,
  withRememberedIds,
} from "./recent-events";
export {
  type SentimentFields,
  type SentimentSums,
  sentimentFields,
  sentimentMeans,
  sentimentOfFields,
} from "./sentiment-sums";
export { type ServiceFields, type ServiceSums, serviceFields, serviceOfFields } from "./service-sums";
export { deriveTraits, type NpsClass, npsClass, type Traits } from "./traits";
export {
  assessValue,
  type CostFlag,
  type CustomerValue,
  defaultIndirectValueWeights,
  defaultValuation,
  type IndirectValueWeights,
  rankingValue,
  type ValueModels,
  type ValueTier,
  valueTier,
} from "./value";
export { ValueDistribution } from "./value-distribution";
