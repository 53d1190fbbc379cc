import type { SchemaRegistryClient } from "@cx/kafka";
import avro from "avsc";

/**
 * A schema registry in memory: global ids (the same schema text keeps its id under any subject),
 * versions per subject, FULL_TRANSITIVE compatibility checked with avsc's resolvers both ways.
 */
export function createInMemorySchemaRegistry(): SchemaRegistryClient {
  const schemas: object[] = [];
  const subjects = new Map<string, number[]>();
  return {
    async registerAvro(subject, schema) {
      const versions = subjects.get(subject) ?? [];
      const known = schemas.findIndex((each) => JSON.stringify(each) === JSON.stringify(schema)) + 1;
      if (versions.includes(known)) return known;
      const type = avro.Type.forSchema(schema as avro.Schema);
      for (const [index, id] of versions.entries()) {
        const earlier = avro.Type.forSchema(schemas[id - 1] as avro.Schema);
        try {
          type.createResolver(earlier);
          earlier.createResolver(type);
        } catch (error) {
          const why = `version ${index + 1} and it cannot read each other: ${(error as Error).message}`;
          throw new Error(`schema for subject "${subject}" refused (FULL_TRANSITIVE): ${why}`);
        }
      }
      const id = known || schemas.push(schema);
      subjects.set(subject, [...versions, id]);
      return id;
    },
    async schemaById(id) {
      const schema = schemas[id - 1];
      return schema ? { kind: "avro", schema } : { kind: "unknown" };
    },
  };
}
