export {
  type CoPartitionGroup,
  type PipelineTopic,
  type PipelineTopicVariable,
  pipelineTopicList,
  pipelineTopics,
  type RecordContract,
} from "./registry";
export { topicCodec } from "./topic-codec";
export { type PipelineTopicsEnv, pipelineTopicsEnvSchema, pipelineTopicVariables } from "./topic-env";
export {
  coPartitionedTopics,
  ensurePipelineTopics,
  type PipelineTopicsKafkaEnv,
  pipelineTopicSpec,
  pipelineTopicSpecs,
} from "./topic-specs";
