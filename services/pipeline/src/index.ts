export { type PipelineEnv, pipelineEnvSchema } from "./config";
export { createProgress, type Progress } from "./progress";
export { runPipeline } from "./run-pipeline";
export { pipelineConsumerGroups } from "./stages";
