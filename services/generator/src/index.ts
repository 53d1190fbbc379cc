export { generatorEnvSchema } from "./config";
export { type SampleOptions, sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
export { createTouchpointPublisher, type TouchpointPublisher } from "./touchpoint-publisher";
