export { generatorEnvSchema } from "./config";
export { type PeopleOptions, peopleTouchpoints, streamPeopleTouchpoints } from "./people-touchpoints";
export { type SampleOptions, sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
export { createTouchpointPublisher, type TouchpointPublisher } from "./touchpoint-publisher";
