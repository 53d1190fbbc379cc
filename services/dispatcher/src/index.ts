export { type DispatcherEnv, deliveryChannels, dispatcherEnvSchema } from "./config";
export { type DispatcherDeps, type RunningDispatcher, startDispatcher } from "./dispatcher-stage";
export { signWebhook } from "./webhook-signature";
