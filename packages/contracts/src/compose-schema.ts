/**
 * Contracts may use a named type of another contract by its full name ("cx.touchpoint.Touchpoint"),
 * so that every type is written once under schemas/. The schema a producer registers must stand
 * alone, so such references are replaced by the definition at their first use (Avro wants a named
 * type defined before it is referred to by name, in document order).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isNamed = (value: JsonObject) =>
  (value.type === "record" || value.type === "enum" || value.type === "fixed") &&
  typeof value.name === "string";

function fullName(definition: JsonObject, namespace: string | undefined): string {
  const name = definition.name as string;
  if (name.includes(".")) return name;
  const own = typeof definition.namespace === "string" ? definition.namespace : namespace;
  return own ? `${own}.${name}` : name;
}

const namespaceOf = (full: string) => (full.includes(".") ? full.slice(0, full.lastIndexOf(".")) : undefined);

/** Every named type in `schema`, by full name, as a definition that can stand anywhere. */
export function namedTypes(
  schema: Json,
  into: Map<string, object> = new Map(),
  namespace?: string,
): Map<string, object> {
  if (Array.isArray(schema)) for (const branch of schema) namedTypes(branch, into, namespace);
  if (!isObject(schema)) return into;
  let inner = namespace;
  if (isNamed(schema)) {
    const full = fullName(schema, namespace);
    const { namespace: _dropped, ...definition } = schema;
    into.set(full, { ...definition, name: full });
    inner = namespaceOf(full);
  }
  if (Array.isArray(schema.fields))
    for (const field of schema.fields) if (isObject(field)) namedTypes(field.type ?? null, into, inner);
  if (schema.items !== undefined) namedTypes(schema.items, into, inner);
  if (schema.values !== undefined) namedTypes(schema.values, into, inner);
  if (schema.type !== undefined && typeof schema.type !== "string") namedTypes(schema.type, into, inner);
  return into;
}

/** `schema` with every full-name reference to a type it does not define replaced by its definition. */
export function composeSchema(schema: object, library: ReadonlyMap<string, object>): object {
  const defined = new Set(namedTypes(schema as Json).keys());
  const inline = (node: Json): Json => {
    if (typeof node === "string") {
      if (!node.includes(".") || defined.has(node)) return node;
      const definition = library.get(node);
      if (!definition) throw new Error(`schema refers to ${node}, which no contract under schemas/ defines`);
      for (const name of namedTypes(definition as Json).keys()) defined.add(name);
      return inline(definition as Json);
    }
    if (Array.isArray(node)) return node.map(inline);
    if (!isObject(node)) return node;
    const copy: JsonObject = { ...node };
    if (Array.isArray(node.fields))
      copy.fields = node.fields.map((field) =>
        isObject(field) ? { ...field, type: inline(field.type ?? null) } : field,
      );
    if (node.items !== undefined) copy.items = inline(node.items);
    if (node.values !== undefined) copy.values = inline(node.values);
    if (node.type !== undefined && typeof node.type !== "string") copy.type = inline(node.type);
    else if (typeof node.type === "string" && !isNamed(node)) copy.type = inline(node.type);
    return copy;
  };
  return inline(schema as Json) as object;
}
