export { type SinkEnv, sinkEnvSchema } from "./config";
export { type Sink, startSink } from "./sink";
export { type TouchpointRow, touchpointRow } from "./touchpoint-row";
