import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";

type Middleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]["middlewares"]>[number];

interface StoredSchema {
  readonly id: number;
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: unknown[];
}

interface Subject {
  readonly versions: StoredSchema[];
  compatibility?: string;
}

class HttpError extends Error {
  override readonly name = "ResponseError";
  readonly unauthorized = false;

  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly url: string,
  ) {
    super(`cx-in-process-registry - ${message}`);
  }
}

/**
 * The registry's REST resources the client calls, answered from memory: schemas get global ids
 * (the same schema text keeps its id across subjects), subjects keep their versions and their
 * compatibility level, and a new version is checked against the earlier ones with avsc's resolver.
 */
class InMemoryRegistryApi {
  private readonly schemas: StoredSchema[] = [];
  private readonly byText = new Map<string, StoredSchema>();
  private readonly subjects = new Map<string, Subject>();
  private readonly defaultCompatibility = "BACKWARD";

  handle(method: string, path: string, body: unknown, url: string): unknown {
    const segments = path
      .split("?")[0]
      ?.split("/")
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment)) as string[];
    const notFound = (errorCode: number, message: string) => new HttpError(404, errorCode, message, url);
    const subjectNamed = (name: string) => {
      const subject = this.subjects.get(name);
      if (!subject) throw notFound(40401, `Subject '${name}' not found.`);
      return subject;
    };
    const versionOf = (subject: Subject, name: string, version: string) => {
      const found =
        version === "latest" ? subject.versions.at(-1) : subject.versions[Number.parseInt(version, 10) - 1];
      if (!found) throw notFound(40402, `Version ${version} not found.`);
      return { subject: name, version: subject.versions.indexOf(found) + 1, ...found };
    };
    const [first, second, third, fourth, fifth] = segments;
    const request = (body ?? {}) as {
      schema?: string;
      schemaType?: string;
      references?: unknown[];
      compatibility?: string;
    };
    if (method === "get" && first === "schemas" && second === "ids" && third) {
      const found = this.schemas[Number(third) - 1];
      if (!found) throw notFound(40403, "Schema not found");
      return { schema: found.schema, ...(found.schemaType ? { schemaType: found.schemaType } : {}) };
    }
    if (method === "get" && first === "subjects" && !second) return [...this.subjects.keys()];
    if (method === "get" && first === "subjects" && second && third === "versions" && fourth)
      return versionOf(subjectNamed(second), second, fourth);
    if (method === "post" && first === "subjects" && second && third === "versions")
      return { id: this.register(second, request, url).id };
    if (method === "post" && first === "subjects" && second && !third) {
      const subject = subjectNamed(second);
      const text = canonical(request.schema ?? "");
      const index = subject.versions.findIndex((version) => canonical(version.schema) === text);
      if (index < 0) throw notFound(40403, "Schema not found");
      return versionOf(subject, second, String(index + 1));
    }
    if (first === "config" && second) {
      if (method === "get") {
        const level = this.subjects.get(second)?.compatibility;
        if (!level)
          throw notFound(40401, `Subject '${second}' does not have subject-level compatibility configured`);
        return { compatibilityLevel: level };
      }
      if (method === "put") {
        const subject = this.subjects.get(second) ?? { versions: [] };
        subject.compatibility = String(request.compatibility ?? this.defaultCompatibility).toUpperCase();
        this.subjects.set(second, subject);
        return { compatibility: subject.compatibility };
      }
    }
    if (
      method === "post" &&
      first === "compatibility" &&
      second === "subjects" &&
      third &&
      fourth === "versions"
    ) {
      const subject = subjectNamed(third);
      const against = versionOf(subject, third, fifth ?? "latest");
      return { is_compatible: compatible(request.schema ?? "", [against.schema], "FULL") === undefined };
    }
    throw new HttpError(404, 404, `no resource ${method.toUpperCase()} ${path}`, url);
  }

  private register(
    name: string,
    request: { schema?: string; schemaType?: string; references?: unknown[] },
    url: string,
  ) {
    if (!request.schema) throw new HttpError(422, 42201, "Invalid schema", url);
    const subject = this.subjects.get(name) ?? { versions: [] };
    this.subjects.set(name, subject);
    const text = canonical(request.schema);
    const existing = subject.versions.find((version) => canonical(version.schema) === text);
    if (existing) return existing;
    const level = subject.compatibility ?? this.defaultCompatibility;
    if (!request.schemaType || request.schemaType === "AVRO") {
      const problem = compatible(
        request.schema,
        subject.versions.map((version) => version.schema),
        level,
      );
      if (problem)
        throw new HttpError(
          409,
          409,
          `Schema being registered is incompatible with an earlier schema for subject "${name}" (${level}): ${problem}`,
          url,
        );
    }
    let stored = this.byText.get(text);
    if (!stored) {
      stored = {
        id: this.schemas.length + 1,
        schema: request.schema,
        ...(request.schemaType ? { schemaType: request.schemaType } : {}),
        ...(request.references ? { references: request.references } : {}),
      };
      this.schemas.push(stored);
      this.byText.set(text, stored);
    }
    subject.versions.push(stored);
    return stored;
  }
}

function canonical(schema: string): string {
  try {
    return JSON.stringify(JSON.parse(schema));
  } catch {
    return schema;
  }
}

/** Why `schema` breaks `level` against earlier versions (oldest first), or undefined when it does not. */
function compatible(schema: string, earlier: readonly string[], level: string): string | undefined {
  if (level === "NONE" || earlier.length === 0) return undefined;
  const against = level.endsWith("_TRANSITIVE") ? earlier : earlier.slice(-1);
  const backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
  const forward = level.startsWith("FORWARD") || level.startsWith("FULL");
  const type = avro.Type.forSchema(JSON.parse(schema));
  for (const old of against) {
    const oldType = avro.Type.forSchema(JSON.parse(old));
    try {
      if (backward) type.createResolver(oldType);
      if (forward) oldType.createResolver(type);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}

/**
 * A `SchemaRegistry` of @kafkajs/confluent-schema-registry whose HTTP requests are answered in
 * memory: encode, decode, register and getSchema are the library's own code (so the bytes are the
 * Confluent wire format it writes: magic byte 0, 4-byte schema id, avsc body), only the server is
 * replaced. Schemas live as long as the object.
 */
export function createInProcessSchemaRegistry(): SchemaRegistry {
  const api = new InMemoryRegistryApi();
  const inMemory: Middleware = () => ({
    // The last middleware is the outermost: it answers without calling the network gateway.
    async response(_next, _renew, request) {
      let body: unknown = request.body();
      if (typeof body === "string" && body.length > 0) body = JSON.parse(body);
      const data = api.handle(request.method().toLowerCase(), request.path(), body, request.url());
      return { status: () => 200, data: () => data } as unknown as Awaited<ReturnType<typeof _next>>;
    },
  });
  return new SchemaRegistry({
    host: "http://in-process.invalid",
    clientId: "cx-pipeline",
    middlewares: [inMemory],
  });
}
