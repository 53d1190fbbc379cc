export { type PipelineEnv, pipelineEnvSchema } from "./config";
export { runPipeline } from "./run-pipeline";
export { createProgress, type Progress } from "./progress";
