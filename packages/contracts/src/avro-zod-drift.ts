import { z } from "zod";

type AvroSchema = string | AvroSchema[] | { type: string | AvroSchema; [key: string]: unknown };

const primitiveKinds: Record<string, string> = {
  string: "string",
  int: "number",
  long: "number",
  float: "number",
  double: "number",
  boolean: "boolean",
};

/** zod v4 keeps a schema's kind in `def.type`; refinements live inside, so kinds are not hidden. */
function kind(schema: z.ZodType): string {
  return (schema as unknown as { def: { type: string } }).def.type;
}

/**
 * Walks an Avro schema and a zod schema side by side and lists every place their structure
 * differs (missing or extra fields, nullability, enum symbols, element types). Empty means the
 * TypeScript type inferred from zod matches what Avro encodes.
 */
export function describeDrift(avro: AvroSchema, zodSchema: z.ZodType, path = "$"): string[] {
  if (Array.isArray(avro)) {
    const branches = avro.filter((branch) => branch !== "null");
    if (avro.length !== 2 || branches.length !== 1 || !(zodSchema instanceof z.ZodNullable)) {
      return [
        `${path}: Avro union ${JSON.stringify(avro)} needs a nullable zod schema (only [null, T] unions are used)`,
      ];
    }
    return describeDrift(branches[0] as AvroSchema, zodSchema.unwrap() as z.ZodType, path);
  }
  if (zodSchema instanceof z.ZodNullable)
    return [`${path}: zod is nullable but Avro is not a union with null`];
  if (typeof avro === "string") {
    const expected = primitiveKinds[avro];
    if (!expected) return [`${path}: Avro type ${avro} has no zod mapping`];
    // An Avro string may be a closed set in zod: open on the wire so new values stay compatible,
    // checked against the known ones where it is read.
    const narrowed = avro === "string" && kind(zodSchema) === "enum";
    return kind(zodSchema) === expected || narrowed
      ? []
      : [`${path}: Avro ${avro} but zod ${kind(zodSchema)}`];
  }
  if (typeof avro.type !== "string") return describeDrift(avro.type, zodSchema, path);
  switch (avro.type) {
    case "record": {
      if (!(zodSchema instanceof z.ZodObject)) return [`${path}: Avro record but zod ${kind(zodSchema)}`];
      const fields = avro.fields as { name: string; type: AvroSchema }[];
      const shape = zodSchema.shape as Record<string, z.ZodType>;
      const problems = Object.keys(shape)
        .filter((key) => !fields.some((field) => field.name === key))
        .map((key) => `${path}.${key}: in zod, not in Avro`);
      for (const field of fields) {
        const fieldSchema = shape[field.name];
        if (!fieldSchema) problems.push(`${path}.${field.name}: in Avro, not in zod`);
        else problems.push(...describeDrift(field.type, fieldSchema, `${path}.${field.name}`));
      }
      return problems;
    }
    case "enum": {
      if (!(zodSchema instanceof z.ZodEnum)) return [`${path}: Avro enum but zod ${kind(zodSchema)}`];
      const symbols = JSON.stringify(avro.symbols);
      const options = JSON.stringify(zodSchema.options);
      return symbols === options ? [] : [`${path}: Avro symbols ${symbols} but zod options ${options}`];
    }
    case "array":
      return zodSchema instanceof z.ZodArray
        ? describeDrift(avro.items as AvroSchema, zodSchema.element as z.ZodType, `${path}[]`)
        : [`${path}: Avro array but zod ${kind(zodSchema)}`];
    case "map":
      return zodSchema instanceof z.ZodRecord
        ? describeDrift(avro.values as AvroSchema, zodSchema.valueType as z.ZodType, `${path}{}`)
        : [`${path}: Avro map but zod ${kind(zodSchema)}`];
    default:
      return describeDrift(avro.type, zodSchema, path);
  }
}
