export { type SinkEnv, sinkEnvSchema } from "./config";
export { type TouchpointRow, touchpointRow } from "./touchpoint-row";
export { startTouchpointSink, type TouchpointSink } from "./touchpoint-sink";
