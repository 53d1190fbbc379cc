export { type DispatcherEnv, deliveryChannels, dispatcherEnvSchema } from "./config";
export { type DispatcherDeps, type RunningDispatcher, startDispatcher } from "./dispatcher-stage";
export { type DeliveryRecord, dispatcherContracts } from "./records";
export { signWebhook } from "./webhook-signature";
