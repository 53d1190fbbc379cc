import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";

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
 * version that breaks that. Services starting together may race to register a new subject: each sees
 * no rule yet and sets it, and the registry refuses all but the first (409). The one retry then
 * finds the rule set and checks it matches; a schema the registry refuses as incompatible (also
 * 409) fails again and is thrown.
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
  const { id } = await register().catch((error: unknown) => {
    if (hasStatus(error, 409)) return register();
    throw error;
  });
  // The registry client would build the reader type and a resolver on every decode (measured: most
  // of a consumer's CPU); both are built once here, the resolver once per writer schema.
  const readerType = avro.Type.forSchema(schema as avro.Schema);
  type Resolution = { resolver: avro.Resolver | undefined } | { reason: string };
  const resolutions = new Map<number, Resolution>();
  const resolutionFor = async (writerSchemaId: number): Promise<Resolution> => {
    const known = resolutions.get(writerSchemaId);
    if (known) return known;
    const writer = (await registry.getSchema(writerSchemaId)) as unknown as { schema(): avro.Schema };
    const writerType = avro.Type.forSchema(writer.schema());
    let resolution: Resolution;
    try {
      resolution = {
        resolver: writerType.equals(readerType) ? undefined : readerType.createResolver(writerType),
      };
    } catch (error) {
      resolution = {
        reason: `schema id ${writerSchemaId} cannot be read as ${subject}: ${(error as Error).message}`,
      };
    }
    resolutions.set(writerSchemaId, resolution);
    return resolution;
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
      let resolution: Resolution;
      try {
        resolution = await resolutionFor(writerSchemaId);
      } catch (error) {
        if (isNotFound(error)) return { ok: false, reason: `unknown schema id ${writerSchemaId}` };
        throw error;
      }
      if ("reason" in resolution) return { ok: false, reason: resolution.reason };
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
