import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import avro from "avsc";

/** schemas/ at the repository root: the source of truth for every topic. */
const schemasDir = fileURLToPath(new URL("../../../schemas/", import.meta.url));

export interface SchemaVersion {
  readonly version: number;
  readonly schema: object;
  readonly type: avro.Type;
}

/** Every version of one contract (schemas/NAME/vN.avsc), oldest first. */
export function loadSchemaVersions(name: string): SchemaVersion[] {
  const dir = join(schemasDir, name);
  return readdirSync(dir)
    .map((file) => /^v(\d+)\.avsc$/.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => {
      const schema = JSON.parse(readFileSync(join(dir, match[0]), "utf8")) as object;
      return { version: Number(match[1]), schema, type: avro.Type.forSchema(schema as avro.Schema) };
    })
    .sort((a, b) => a.version - b.version);
}
