export { freePort } from "./free-port";
export { type LocalKafkaOptions, startLocalKafka } from "./local-kafka";
export { type LocalRegistryOptions, startLocalRegistry } from "./local-registry";
export { fetchServerDistributions, type ManagedServer } from "./managed-server";
