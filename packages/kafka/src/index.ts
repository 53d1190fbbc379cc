export { type AvroBounds, avroBoundsProblem, defaultAvroBounds } from "./avro-bounds";
export { type AvroCodec, createAvroCodec, createSchemaRegistry, type DecodeResult } from "./avro-codec";
export { type AvroProducer, createAvroProducer, type OutgoingRecord } from "./avro-producer";
export {
  type Assignment,
  type BatchConsumer,
  type BatchConsumerOptions,
  type BatchContext,
  type ConsumedTopic,
  type DecodedRecord,
  startBatchConsumer,
} from "./batch-consumer";
export {
  type BatchFailures,
  type BatchGroupHandler,
  groupOffsets,
  handledTogether,
  nextTurnOfEventLoop,
  type PartitionBatch,
} from "./batch-group";
export { type CaughtUpOptions, type GroupTopic, waitUntilCaughtUp } from "./caught-up";
export { coPartitionedAssigner } from "./kafkajs/co-partitioned-assigner";
export { consumerLag } from "./consumer-lag";
export {
  type DeadLetter,
  DeadLetterPublisher,
  deadLetterHeaders,
  maxWholeDeadLetterBytes,
  truncatedDeadLetterBytes,
} from "./dead-letters";
export { encodeRecords, type KeyedRecord } from "./encode-records";
export { createGroupSender } from "./group-sender";
export { createKafka, type KafkaEnv, kafkaEnvSchema } from "./kafkajs/kafka-config";
export { createTransactionalProducer, inTransaction, PartitionProducers } from "./partition-producers";
export { PartitionStates, readLatestPerKey } from "./partition-state";
export {
  ensurePipelineTopics,
  type PipelineTopicsEnv,
  pipelineTopicSpecs,
  pipelineTopicsEnvSchema,
  pipelineTopicVariables,
} from "./pipeline-topics";
export { readPartitionsToEnd } from "./read-to-end";
export { createIdempotentProducer } from "./renewing-producer";
export { chunkTopicMessages, maxRequestBytes } from "./send-chunks";
export { singleOwnerAssigner } from "./kafkajs/single-owner-assigner";
export { maxRecordBytes } from "./sort-batch";
export { ensureTopics, type TopicSpec } from "./topics";
export { isTransientError, TransientError } from "./transient-error";
export type * from "./schema-registry";
export * from "./transport";
