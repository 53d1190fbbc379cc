export { type ApiKeyConfig, type GatewayEnv, gatewayEnvSchema } from "./config";
export { buildGateway, type GatewayDeps } from "./gateway-app";
export { type SegmentEnv, segmentEnvSchema } from "./segment";
export {
  BrokerUnavailableError,
  createKafkaTouchpointWriter,
  type TouchpointWriter,
} from "./touchpoint-writer";
