import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";
import { composeSchema, namedTypes } from "./compose-schema";
import type { TopicContract } from "./topic-contract";

/** schemas/ at the repository root: the source of truth for every topic. */
const schemasDir = fileURLToPath(new URL("../../../schemas/", import.meta.url));

export interface SchemaVersion {
  readonly version: number;
  readonly schema: object;
  readonly type: avro.Type;
}

/** The name of every contract: the folders of schemas/. */
export function contractNames(): string[] {
  return readdirSync(schemasDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every version of one contract (schemas/NAME/vN.avsc), oldest first. */
export function loadSchemaVersions(name: string): SchemaVersion[] {
  const dir = join(schemasDir, name);
  return readdirSync(dir)
    .map((file) => /^v(\d+)\.avsc$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => {
      const written = JSON.parse(readFileSync(join(dir, match[0]), "utf8")) as object;
      const schema = composeSchema(written, library());
      return { version: Number(match[1]), schema, type: avro.Type.forSchema(schema as avro.Schema) };
    })
    .sort((a, b) => a.version - b.version);
}

let namedTypeLibrary: Map<string, object> | undefined;

/** The named types of every contract's newest version, which other contracts may refer to. */
function library(): ReadonlyMap<string, object> {
  if (namedTypeLibrary) return namedTypeLibrary;
  namedTypeLibrary = new Map();
  for (const name of readdirSync(schemasDir)) {
    const files = readdirSync(join(schemasDir, name))
      .map((file) => /^v(\d+)\.avsc$/.exec(file))
      .filter((match): match is RegExpExecArray => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    const newest = files.at(-1);
    if (!newest) continue;
    namedTypes(JSON.parse(readFileSync(join(schemasDir, name, newest[0]), "utf8")), namedTypeLibrary);
  }
  return namedTypeLibrary;
}

/** The newest version of schemas/NAME, standing alone (types of other contracts inlined). */
export function loadContract(name: string): TopicContract {
  const newest = loadSchemaVersions(name).at(-1);
  if (!newest) throw new Error(`schemas/${name} has no vN.avsc file`);
  return { name, schema: newest.schema, type: newest.type };
}
