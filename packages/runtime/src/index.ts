export { type RunningService, runService, type ServiceOptions } from "./run-service";
