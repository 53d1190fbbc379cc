export { type RunningService, runService, type ServiceOptions } from "./run-service";
export { holdStopSignals, onStopSignal } from "./stop-signals";
export { type Starting, StopStack } from "./stop-stack";
