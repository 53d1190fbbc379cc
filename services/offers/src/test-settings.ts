import { defaultEngineSettings, defaultLearnerSettings } from "@cx/offers";

/** The shipped defaults, for tests that need settings without an environment. */
export const defaultSettings = { engine: defaultEngineSettings, learner: defaultLearnerSettings };
