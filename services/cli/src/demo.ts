import { runPipeline } from "@cx/pipeline";

export interface DemoOptions {
  customers?: string;
  days?: string;
  seed?: string;
  answers: boolean;
  summaryFile?: string;
  reportFile?: string;
}

/** What `cx demo` does: the pipeline with the options as its environment variables. */
export async function runDemo(options: DemoOptions): Promise<void> {
  await runPipeline({
    ...(options.customers ? { PIPELINE_CUSTOMERS: options.customers } : {}),
    ...(options.days ? { PIPELINE_DAYS: options.days } : {}),
    ...(options.seed ? { PIPELINE_SEED: options.seed } : {}),
    ...(options.answers ? {} : { PIPELINE_ANSWER_OFFERS: "false" }),
    ...(options.summaryFile ? { PIPELINE_SUMMARY_FILE: options.summaryFile } : {}),
    ...(options.reportFile ? { PIPELINE_REPORT_FILE: options.reportFile } : {}),
  });
}
