export { type CompatibilityReport, checkCompatibility } from "./compatibility";
export { customerKey } from "./customer-key";
export { loadSchemaVersions, type SchemaVersion } from "./schema-files";
export type { TopicContract } from "./topic-contract";
export { type Channel, type Touchpoint, type TouchpointType, touchpointContract } from "./touchpoint";
export { validateTouchpoint } from "./validate-touchpoint";
