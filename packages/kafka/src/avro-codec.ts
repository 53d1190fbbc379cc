import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";

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

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 404;
}

/**
 * Registers `schema` under `<topic>-value` (Confluent's TopicNameStrategy) with FULL_TRANSITIVE
 * compatibility, so every version can be read by every reader, old or new; the registry refuses a
 * version that breaks that.
 */
export async function createAvroCodec<T>(
  registry: SchemaRegistry,
  topic: string,
  schema: object,
): Promise<AvroCodec<T>> {
  const subject = `${topic}-value`;
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE },
  );
  const readerOptions = { [SchemaType.AVRO]: { readerSchema: schema as never } };
  return {
    subject,
    schemaId: id,
    encode: (value) => registry.encode(id, value),
    async decode(buffer) {
      if (buffer.length < wireHeaderBytes || buffer[0] !== 0) {
        return { ok: false, reason: "not in Confluent wire format (expected magic byte 0 and a schema id)" };
      }
      const writerSchemaId = buffer.readInt32BE(1);
      try {
        await registry.getSchema(writerSchemaId);
      } catch (error) {
        if (isNotFound(error)) return { ok: false, reason: `unknown schema id ${writerSchemaId}` };
        throw error;
      }
      try {
        return { ok: true, value: (await registry.decode(buffer, readerOptions)) as T };
      } catch (error) {
        return {
          ok: false,
          reason: `undecodable with schema id ${writerSchemaId}: ${(error as Error).message}`,
        };
      }
    },
  };
}
