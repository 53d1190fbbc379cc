export { type SegmentEnv, segmentEnvSchema } from "./segment-config";
export { isSegmentRequest, type SegmentRouteDeps, segmentRoutes } from "./segment-routes";
