export { freshClickHouse, testKafkaEnv } from "./fresh-resources";
export { readTopic } from "./read-topic";
export { type TestServers, testServers } from "./test-servers";
export { uniqueName } from "./unique-name";
export { waitFor } from "./wait-for";
