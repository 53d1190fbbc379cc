export { type AvroBounds, avroBoundsProblem, defaultAvroBounds } from "./avro-bounds";
export { type AvroCodec, createAvroCodec, createWriterSchemaDecoder, type DecodeResult } from "./avro-codec";
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
export { createSchemaRegistry } from "./confluent-registry";
export { consumerLag } from "./consumer-lag";
export {
  type DeadLetter,
  DeadLetterPublisher,
  deadLetterHeaders,
  deadLetterOf,
  maxWholeDeadLetterBytes,
  truncatedDeadLetterBytes,
} from "./dead-letters";
export { encodeRecords, type KeyedRecord } from "./encode-records";
export { createGroupSender } from "./group-sender";
export { brokerAnswers } from "./kafkajs/broker-probe";
export { createKafka, type KafkaEnv, kafkaEnvSchema } from "./kafkajs/kafka-config";
export { type BrokerAdmin, type KafkajsTransport, kafkajsTransport } from "./kafkajs/kafkajs-transport";
export { keyPartition, murmur2 } from "./murmur2";
export { createTransactionalProducer, inTransaction, PartitionProducers } from "./partition-producers";
export { PartitionStates, readLatestPerKey } from "./partition-state";
export { readPartitionsToEnd } from "./read-to-end";
export { createIdempotentProducer } from "./renewing-producer";
export type { SchemaLookup, SchemaRegistryClient } from "./schema-registry";
export { chunkTopicMessages, maxRequestBytes } from "./send-chunks";
export { maxRecordBytes } from "./sort-batch";
export { type RunningStage, type StageOptions, type StageWrites, startStage } from "./stage";
export { ensureTopics, partitionCount, type TopicSpec } from "./topics";
export { isTransientError, TransientError } from "./transient-error";
export * from "./transport";
