export { type PipelineEnv, pipelineEnvSchema } from "./config";
export { runPipeline } from "./run-pipeline";
