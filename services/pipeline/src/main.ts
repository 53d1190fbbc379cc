import { runPipeline } from "./run-pipeline";

await runPipeline();
