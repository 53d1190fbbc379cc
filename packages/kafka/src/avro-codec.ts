import { setTimeout as sleep } from "node:timers/promises";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";
import { avroBoundsProblem } from "./avro-bounds";
import { TransientError } from "./transient-error";

/** A decode either yields the value or says why the bytes can never be decoded (a poison record). */
export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

export interface AvroCodec<T> {
  readonly subject: string;
  readonly schemaId: number;
  /** Confluent wire format: magic byte 0, 4-byte schema id, Avro body. */
  encode(value: T): Promise<Buffer>;
  /**
   * Decodes with the writer's schema from the registry, resolved to this codec's (reader) schema.
   * Bytes that can never decode give `ok: false`; an unreachable registry throws, because retrying
   * later will succeed and the record must not be dead-lettered for it.
   */
  decode(buffer: Buffer): Promise<DecodeResult<T>>;
}

export function createSchemaRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url, clientId: "cx-pipeline" });
}

const wireHeaderBytes = 5;

const hasStatus = (error: unknown, status: number): boolean =>
  typeof error === "object" && error !== null && (error as { status?: unknown }).status === status;
const isNotFound = (error: unknown) => hasStatus(error, 404);

/**
 * Registers `schema` under `<topic>-value` (Confluent's TopicNameStrategy) with FULL_TRANSITIVE
 * compatibility, so every version can be read by every reader, old or new; the registry refuses a
 * version that breaks that. Services starting together race to register a new subject: one may
 * set the rule after another did (the registry answers 409), or find the subject registered by
 * another that has not set its rule yet (the registry's default, NONE, does not match). Either way
 * the other is about to finish: a few retries find the rule set and check that it matches; a schema
 * the registry refuses as incompatible, or a subject really set to another level, still fails.
 */
export async function createAvroCodec<T>(
  registry: SchemaRegistry,
  topic: string,
  schema: object,
): Promise<AvroCodec<T>> {
  const subject = `${topic}-value`;
  const register = () =>
    registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE },
    );
  const racing = (error: unknown) =>
    hasStatus(error, 409) ||
    (error as Error | undefined)?.name === "ConfluentSchemaRegistryCompatibilityError";
  let id: number;
  for (let attempt = 1; ; attempt++) {
    try {
      ({ id } = await register());
      break;
    } catch (error) {
      if (!racing(error) || attempt === 5) throw error;
      await sleep(50 * attempt);
    }
  }
  // The registry client would build the reader type and a resolver on every decode (measured: most
  // of a consumer's CPU); both are built once here, the resolver once per writer schema.
  const readerType = avro.Type.forSchema(schema as avro.Schema);
  type Resolution = { writerType: avro.Type; resolver: avro.Resolver | undefined } | { reason: string };
  const resolutions = new Map<number, Resolution>();
  const resolutionFor = async (writerSchemaId: number): Promise<Resolution> => {
    const known = resolutions.get(writerSchemaId);
    if (known) return known;
    const resolution = interpret(writerSchemaId, await fetchWriterSchema(registry, writerSchemaId));
    // A registry outage is not remembered (fetchWriterSchema threw); an answer, good or bad, is.
    resolutions.set(writerSchemaId, resolution);
    return resolution;
  };
  const interpret = (writerSchemaId: number, writer: WriterSchema): Resolution => {
    if ("reason" in writer) return writer;
    try {
      const writerType = avro.Type.forSchema(writer.schema);
      return {
        writerType,
        resolver: writerType.equals(readerType) ? undefined : readerType.createResolver(writerType),
      };
    } catch (error) {
      return {
        reason: `schema id ${writerSchemaId} cannot be read as ${subject}: ${(error as Error).message}`,
      };
    }
  };
  return {
    subject,
    schemaId: id,
    encode: (value) => registry.encode(id, value),
    async decode(buffer) {
      if (buffer.length < wireHeaderBytes || buffer[0] !== 0) {
        return { ok: false, reason: "not in Confluent wire format (expected magic byte 0 and a schema id)" };
      }
      const writerSchemaId = buffer.readInt32BE(1);
      const resolution = await resolutionFor(writerSchemaId);
      if ("reason" in resolution) return { ok: false, reason: resolution.reason };
      const outOfBounds = avroBoundsProblem(resolution.writerType, buffer, wireHeaderBytes);
      if (outOfBounds !== undefined)
        return { ok: false, reason: `undecodable with schema id ${writerSchemaId}: ${outOfBounds}` };
      try {
        return {
          ok: true,
          value: readerType.fromBuffer(buffer.subarray(wireHeaderBytes), resolution.resolver) as T,
        };
      } catch (error) {
        return {
          ok: false,
          reason: `undecodable with schema id ${writerSchemaId}: ${(error as Error).message}`,
        };
      }
    },
  };
}

type WriterSchema = { readonly schema: avro.Schema } | { readonly reason: string };

/**
 * The writer's schema for an id, or why the id can never be read as Avro (unknown, or a schema of
 * another kind: JSON Schema, Protobuf). A registry that cannot be reached or answers with an error
 * throws a TransientError: the record waits for the registry instead of being dead-lettered.
 */
async function fetchWriterSchema(registry: SchemaRegistry, id: number): Promise<WriterSchema> {
  let found: unknown;
  try {
    found = await registry.getSchema(id);
  } catch (error) {
    if (isNotFound(error)) return { reason: `unknown schema id ${id}` };
    if (typeof (error as { status?: unknown }).status === "number" || isNetworkError(error))
      throw new TransientError(`schema registry: ${(error as Error).message}`, { cause: error });
    // The registry answered, but the library could not make a schema of it (another kind).
    return { reason: `schema id ${id} is not an Avro schema: ${(error as Error).message}` };
  }
  const avroSchema = found as { schema?: unknown };
  if (typeof avroSchema?.schema !== "function") return { reason: `schema id ${id} is not an Avro schema` };
  try {
    return { schema: (avroSchema.schema as () => avro.Schema)() };
  } catch (error) {
    return { reason: `schema id ${id} is not an Avro schema: ${(error as Error).message}` };
  }
}

const isNetworkError = (error: unknown) =>
  typeof (error as { code?: unknown }).code === "string" ||
  /network|socket|connect|timed? ?out|fetch failed/i.test(String((error as Error).message));
