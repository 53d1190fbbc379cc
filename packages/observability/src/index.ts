export { type DeadLetterCategory, deadLetterCategories, deadLetterCategory } from "./dead-letter-category";
export { type LagSource, metrics, observeClickHouseInsert, PipelineMetrics } from "./metrics";
export {
  defaultMetricsPorts,
  healthBounds,
  healthEnvSchema,
  type OperationsEnv,
  operationsEnvSchema,
} from "./operations-config";
export { type OperationsServer, startOperationsServer } from "./operations-server";
export { liveness, Readiness, type ReadinessCheck, readiness } from "./readiness";
export { withTimeout } from "./with-timeout";
