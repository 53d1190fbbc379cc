import type { SchemaLookup, SchemaRegistryClient } from "@cx/kafka";
import avro from "avsc";

/** Why `schema` cannot read every earlier version, or be read by it, or undefined when it can. */
function incompatibility(schema: object, earlier: readonly object[]): string | undefined {
  let version = 0;
  try {
    const type = avro.Type.forSchema(schema as avro.Schema);
    for (const old of earlier) {
      version++;
      const oldType = avro.Type.forSchema(old as avro.Schema);
      type.createResolver(oldType);
      oldType.createResolver(type);
    }
    return undefined;
  } catch (error) {
    return `${version === 0 ? "it is not valid Avro" : `version ${version}`}: ${(error as Error).message}`;
  }
}

/**
 * A schema registry in memory: global ids (the same schema text keeps its id under any subject),
 * versions per subject, FULL_TRANSITIVE compatibility checked with avsc's resolvers both ways.
 */
export function createInMemorySchemaRegistry(): SchemaRegistryClient {
  const schemas: object[] = [];
  const idsByText = new Map<string, number>();
  const subjects = new Map<string, number[]>();
  return {
    async registerAvro(subject, schema) {
      const text = JSON.stringify(schema);
      const versions = subjects.get(subject) ?? [];
      const known = idsByText.get(text);
      if (known !== undefined && versions.includes(known)) return known;
      const problem = incompatibility(
        schema,
        versions.map((id) => schemas[id - 1] as object),
      );
      if (problem)
        throw new Error(`schema for subject "${subject}" is incompatible (FULL_TRANSITIVE) with ${problem}`);
      const id = known ?? schemas.push(schema);
      idsByText.set(text, id);
      subjects.set(subject, [...versions, id]);
      return id;
    },
    async schemaById(id): Promise<SchemaLookup> {
      const schema = schemas[id - 1];
      return schema ? { kind: "avro", schema } : { kind: "unknown" };
    },
  };
}
