/**
 * An in-process stand-in for Kafka (kafkajs' `Kafka`) and for the schema registry
 * (@kafkajs/confluent-schema-registry's `SchemaRegistry`), for the embedded single-process mode:
 * the services run unchanged, wired over memory instead of a network.
 *
 * Written here because npm has no well-kept in-memory broker that is compatible with kafkajs
 * (consumer groups, custom partition assigners, transactions with sendOffsets, fencing).
 *
 * Semantics kept: topics with partitions and per-partition append-only logs (string offsets from
 * 0, Buffers for keys, values and headers, tombstones as null values); kafkajs' default (murmur2)
 * partitioner, so a key lands on the partition number it would on a broker; consumer groups
 * assigned by the members' own partition assigners, with committed offsets, at-least-once
 * redelivery from the committed offset after a stop or rebalance, and a new owner that waits for
 * the old one's batch in hand; transactions visible atomically at commit (offsets included) and
 * fenced by a newer producer of the same transactional id. Not kept: replication, retention and
 * compaction (every record is kept; readers of a compacted topic see every version, the latest
 * last), transaction markers (offsets are consecutive, so no batch of markers only), time-based
 * things (session timeouts, transaction timeouts), read_uncommitted (a transaction's records are
 * never visible before its commit), ACLs and configs.
 */
export { createInProcessKafka, type InProcessKafkaOptions } from "./kafka";
export { createInProcessSchemaRegistry } from "./schema-registry";
