import avro from "avsc";
import { avroBoundsProblem } from "./avro-bounds";
import type { SchemaRegistryClient } from "./schema-registry";

/** A decode either yields the value or says why the bytes can never be decoded (a poison record). */
export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

export interface AvroCodec<T> {
  readonly subject: string;
  readonly schemaId: number;
  /** Confluent wire format: magic byte 0, 4-byte schema id, Avro body. */
  encode(value: T): Buffer;
  /**
   * Decodes with the writer's schema from the registry, resolved to this codec's (reader) schema.
   * Bytes that can never decode give `ok: false`; an unreachable registry throws, because retrying
   * later will succeed and the record must not be dead-lettered for it. Synchronous once the
   * writer's schema is known (every record but a schema's first), so a batch is decoded without a
   * pause per record.
   */
  decode(buffer: Buffer): DecodeResult<T> | Promise<DecodeResult<T>>;
}

const wireHeaderBytes = 5;

/**
 * A codec for `<topic>-value` (Confluent's TopicNameStrategy): registers `schema` there (see
 * SchemaRegistryClient.registerAvro) and writes the Confluent wire format itself.
 */
export async function createAvroCodec<T>(
  registry: SchemaRegistryClient,
  topic: string,
  schema: object,
): Promise<AvroCodec<T>> {
  const subject = `${topic}-value`;
  const id = await registry.registerAvro(subject, schema);
  // The registry client would build the reader type and a resolver on every decode (measured: most
  // of a consumer's CPU); both are built once here, the resolver once per writer schema.
  const readerType = avro.Type.forSchema(schema as avro.Schema);
  type Resolution = { writerType: avro.Type; resolver: avro.Resolver | undefined } | { reason: string };
  const resolutions = new Map<number, Resolution>();
  const resolve = async (writerSchemaId: number): Promise<Resolution> => {
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
    encode: (value) => writeWireFormat(id, readerType, value),
    decode(buffer) {
      if (buffer.length < wireHeaderBytes || buffer[0] !== 0) {
        return { ok: false, reason: "not in Confluent wire format (expected magic byte 0 and a schema id)" };
      }
      const writerSchemaId = buffer.readInt32BE(1);
      const known = resolutions.get(writerSchemaId);
      if (known) return decodeWith(writerSchemaId, known, buffer);
      return resolve(writerSchemaId).then((resolution) => decodeWith(writerSchemaId, resolution, buffer));
    },
  };

  function decodeWith(writerSchemaId: number, resolution: Resolution, buffer: Buffer): DecodeResult<T> {
    if ("reason" in resolution) return { ok: false, reason: resolution.reason };
    const outOfBounds = avroBoundsProblem(resolution.writerType, buffer, wireHeaderBytes);
    if (outOfBounds !== undefined)
      return { ok: false, reason: `undecodable with schema id ${writerSchemaId}: ${outOfBounds}` };
    try {
      // decode reads in place (fromBuffer would need a view of the body: an allocation per record).
      const { value, offset } = readerType.decode(buffer, wireHeaderBytes, resolution.resolver);
      if (offset < 0) throw new Error("truncated buffer");
      if (offset < buffer.length) throw new Error("trailing data");
      return { ok: true, value: value as T };
    } catch (error) {
      return {
        ok: false,
        reason: `undecodable with schema id ${writerSchemaId}: ${(error as Error).message}`,
      };
    }
  }
}

/**
 * Header and body are written into one scratch buffer and copied out once: a record costs one
 * allocation instead of three (header, body, their concatenation). The scratch buffer grows to
 * the largest record seen; `encode` is synchronous, so one buffer serves every codec.
 */
let scratch = Buffer.alloc(64 * 1024);

function writeWireFormat(schemaId: number, type: avro.Type, value: unknown): Buffer {
  for (;;) {
    scratch[0] = 0;
    scratch.writeInt32BE(schemaId, 1);
    const end = type.encode(value, scratch, wireHeaderBytes);
    if (end >= 0) {
      const record = Buffer.allocUnsafe(end);
      scratch.copy(record, 0, 0, end);
      return record;
    }
    // A negative end says how many bytes were missing.
    scratch = Buffer.alloc(Math.max(scratch.length * 2, scratch.length - end));
  }
}

type WriterSchema = { readonly schema: avro.Schema } | { readonly reason: string };

/** The writer's schema for an id, or why the id can never be read as Avro (unknown, another kind). */
async function fetchWriterSchema(registry: SchemaRegistryClient, id: number): Promise<WriterSchema> {
  const found = await registry.schemaById(id);
  if (found.kind === "unknown") return { reason: `unknown schema id ${id}` };
  if (found.kind === "not-avro") return { reason: `schema id ${id} is not an Avro schema: ${found.reason}` };
  return { schema: found.schema as avro.Schema };
}

/**
 * Decodes any record in the Confluent wire format with its writer's schema (for tools and tests
 * that read what others wrote, without a reader schema of their own). Throws on what cannot be read.
 */
export function createWriterSchemaDecoder(
  registry: SchemaRegistryClient,
): (buffer: Buffer) => Promise<unknown> {
  const types = new Map<number, Promise<avro.Type>>();
  const typeOf = (id: number) => {
    let type = types.get(id);
    if (!type) {
      type = fetchWriterSchema(registry, id).then((writer) => {
        if ("reason" in writer) throw new Error(writer.reason);
        return avro.Type.forSchema(writer.schema);
      });
      type.catch(() => types.delete(id));
      types.set(id, type);
    }
    return type;
  };
  return async (buffer) => {
    if (buffer.length < wireHeaderBytes || buffer[0] !== 0) throw new Error("not in Confluent wire format");
    return (await typeOf(buffer.readInt32BE(1))).fromBuffer(buffer.subarray(wireHeaderBytes));
  };
}
