export { generatorEnvSchema } from "./config";
export { type SampleOptions, sampleTouchpoints } from "./sample-touchpoints";
export { createTouchpointPublisher, type TouchpointPublisher } from "./touchpoint-publisher";
