/**
 * What the codecs need from a schema registry (the Confluent wire format carries a schema's global
 * id): register a topic's Avro schema, and look a writer's schema up by id. Two adapters: the
 * Confluent-compatible REST registry (confluent-registry.ts, over @kafkajs/confluent-schema-registry)
 * and memory (@cx/memory-transport).
 */
export type SchemaLookup =
  | { readonly kind: "avro"; readonly schema: object }
  /** A schema of another kind (JSON Schema, Protobuf) or one that does not parse as Avro. */
  | { readonly kind: "not-avro"; readonly reason: string }
  | { readonly kind: "unknown" };

export interface SchemaRegistryClient {
  /**
   * Registers `schema` under `subject` with FULL_TRANSITIVE compatibility (every version readable
   * by every reader, old or new) and returns its global id; a schema that breaks that is refused
   * with an error naming the subject.
   */
  registerAvro(subject: string, schema: object): Promise<number>;
  /** The schema with this id. Throws a TransientError while the registry cannot be asked. */
  schemaById(id: number): Promise<SchemaLookup>;
}
