export { type Arbiter, bestAction, careCatalog, withHoldout } from "./arbiter";
export {
  type ArbitrationSettings,
  type CustomerView,
  contextKey,
  customerOfDecision,
  customerView,
  type Decision,
  type DecisionRequest,
  decide,
  decisionContext,
  decisionIdFor,
  decisionLogId,
  defaultArbitration,
  type Explanation,
  isEligible,
  noDecision,
  type Suppression,
  sendDecision,
} from "./arbitration";
export {
  CatalogError,
  careKinds,
  type DeliveryChannel,
  deliveryChannels,
  type NumericTrait,
  numericTraits,
  type OfferCatalog,
  type OfferDefinition,
  type OfferKind,
  offerFamily,
  offerKinds,
  parseCatalog,
  recoveryKinds,
  type Trigger,
  triggers,
} from "./catalog";
export {
  type ContactPolicy,
  contactRefusal,
  defaultContactPolicy,
  permissionRefusal,
  type SuppressionReason,
  suppressionReasons,
} from "./contact-policy";
export {
  type CustomerOfferState,
  emptyOfferState,
  type FollowUp,
  type OfferOutcome,
  observeTouchpoint,
  type SentOffer,
} from "./customer-offers";
export { type HoldoutSettings, isHeldOut, noHoldout } from "./holdout";
export { type HoldoutEnv, holdoutEnvSchema, holdoutSettings } from "./holdout-env";
export {
  defaultLearnerSettings,
  type LearnerSettings,
  type LearnerState,
  PropensityLearner,
} from "./learner";
export { isTimeZone, type LocalTime, localTime } from "./local-time";
export {
  defaultEngineSettings,
  defaultFollowUps,
  type EngineResult,
  type EngineSettings,
  type FollowUpSettings,
  type OfferCustomer,
  OfferEngine,
  type OfferOutcomeRecord,
  type ReportedOutcome,
  type ResponseResult,
} from "./offer-engine";
export {
  type OfferResponseRecord,
  offerOutcomes,
  reportedOutcome,
  responseProblem,
} from "./offer-response";
