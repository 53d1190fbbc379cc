export { generatorEnv, generatorEnvSchema } from "./config";
export { type OfferAnswerer, type OfferAnswererOptions, startOfferAnswerer } from "./offer-answers";
export { type PeopleOptions, peopleTouchpoints, streamPeopleTouchpoints } from "./people-touchpoints";
export { type SampleOptions, sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
export { createTouchpointPublisher, type TouchpointPublisher } from "./touchpoint-publisher";
export { type WorkloadStreamOptions, workloadTouchpoints } from "./workload-touchpoints";
