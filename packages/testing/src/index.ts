export {
  freshClickHouse,
  offerStoryVariables,
  testKafkaEnv,
  testPipelineVariables,
  testStageVariables,
} from "./fresh-resources";
export { createFreshTopics, type FreshTopicSpec } from "./fresh-topics";
export { offerRecord, publishOffers } from "./offer-records";
export { collectTopic, readTopic, type TopicCollector } from "./read-topic";
export { type TestServers, testServers } from "./test-servers";
export { cdnowModels, dayMs, fixtureStart, money, purchaseOf, touchpointOnDay } from "./touchpoint-fixtures";
export { uniqueName } from "./unique-name";
export {
  readUpliftRows,
  type UpliftRows,
  type UpliftStageChangeRow,
  type UpliftTouchpointRow,
  upliftDifferences,
  upliftFromRawRows,
  upliftRawRowQueries,
  upliftRowsFromResults,
  wholeDaysOf,
} from "./uplift-from-rows";
export { waitFor } from "./wait-for";
