export { type AvroCodec, createAvroCodec, createSchemaRegistry, type DecodeResult } from "./avro-codec";
export {
  type AvroProducer,
  createAvroProducer,
  createIdempotentProducer,
  type OutgoingRecord,
} from "./avro-producer";
export {
  type BatchConsumer,
  type BatchConsumerOptions,
  type DecodedRecord,
  startBatchConsumer,
} from "./batch-consumer";
export { consumerLag } from "./consumer-lag";
export { type DeadLetter, DeadLetterPublisher, deadLetterHeaders } from "./dead-letters";
export { createGroupSender } from "./group-sender";
export { createKafka, type KafkaEnv, kafkaEnvSchema } from "./kafka-config";
export { ensurePipelineTopics, type PipelineTopicsEnv, pipelineTopicsEnvSchema } from "./pipeline-topics";
export { ensureTopics, type TopicSpec } from "./topics";
