import type { SchemaLookup, SchemaRegistryClient } from "@cx/kafka";
import avro from "avsc";

/** Why `schema` cannot read every earlier version, or be read by it; undefined when it can. */
function incompatibility(schema: object, earlier: readonly object[]): string | undefined {
  let version = 0;
  try {
    const type = avro.Type.forSchema(schema as avro.Schema);
    for (const old of earlier.map((each) => avro.Type.forSchema(each as avro.Schema))) {
      version++;
      type.createResolver(old);
      old.createResolver(type);
    }
  } catch (error) {
    return `${version === 0 ? "it is not valid Avro" : `version ${version}`}: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * A schema registry in memory: global ids (the same schema text keeps its id under any subject),
 * versions per subject, FULL_TRANSITIVE compatibility checked with avsc's resolvers both ways.
 */
export function createInMemorySchemaRegistry(): SchemaRegistryClient {
  const [schemas, ids, subjects] = [[] as object[], new Map<string, number>(), new Map<string, number[]>()];
  return {
    async registerAvro(subject, schema) {
      const [versions, known] = [subjects.get(subject) ?? [], ids.get(JSON.stringify(schema))];
      if (known !== undefined && versions.includes(known)) return known;
      const problem = incompatibility(
        schema,
        versions.map((id) => schemas[id - 1] as object),
      );
      if (problem) throw new Error(`schema for subject "${subject}" breaks FULL_TRANSITIVE with ${problem}`);
      const id = known ?? schemas.push(schema);
      ids.set(JSON.stringify(schema), id);
      subjects.set(subject, [...versions, id]);
      return id;
    },
    async schemaById(id): Promise<SchemaLookup> {
      const schema = schemas[id - 1];
      return schema ? { kind: "avro", schema } : { kind: "unknown" };
    },
  };
}
