export { freePort } from "./free-port";
export { type LocalKafka, type LocalKafkaOptions, startLocalKafka } from "./local-kafka";
export { type LocalRegistryOptions, startLocalRegistry } from "./local-registry";
export { acquireServers, type KafkaAndRegistry, startLocalStack } from "./local-stack";
export { fetchServerDistributions, type ManagedServer } from "./managed-server";
