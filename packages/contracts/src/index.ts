export { describeDrift } from "./avro-zod-drift";
export { type CompatibilityReport, checkCompatibility } from "./compatibility";
export {
  customerKey,
  type IdentifierKind,
  identifierKeys,
  identifierKind,
  identifierKinds,
} from "./identifier-keys";
export { newTouchpoint, type TouchpointFields } from "./new-touchpoint";
export { contractNames, loadContract, loadSchemaVersions, type SchemaVersion } from "./schema-files";
export type { TopicContract } from "./topic-contract";
export {
  type Channel,
  channels,
  consentScopes,
  type Experience,
  identifiersSchema,
  noExperience,
  noIdentifiers,
  type Touchpoint,
  type TouchpointType,
  touchpointContract,
  touchpointSchema,
  touchpointTypes,
} from "./touchpoint";
export {
  checkTouchpoint,
  describeIssues,
  maxFutureSkewMs,
  type TouchpointValidation,
  type ValidationIssue,
  validateTouchpoint,
} from "./validate-touchpoint";
