import { setTimeout as sleep } from "node:timers/promises";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import type avro from "avsc";
import type { SchemaLookup, SchemaRegistryClient } from "./schema-registry";
import { TransientError } from "./transient-error";

const hasStatus = (error: unknown, status: number): boolean =>
  typeof error === "object" && error !== null && (error as { status?: unknown }).status === status;

const isNetworkError = (error: unknown) =>
  typeof (error as { code?: unknown }).code === "string" ||
  /network|socket|connect|timed? ?out|fetch failed/i.test(String((error as Error).message));

/** A Confluent-compatible schema registry (Confluent's, Apicurio's ccompat API, Redpanda's) at `url`. */
export function createSchemaRegistry(url: string): SchemaRegistryClient {
  const registry = new SchemaRegistry({ host: url, clientId: "cx-pipeline" });
  return {
    /**
     * Services starting together race to register a new subject: one may set the rule after another
     * did (the registry answers 409), or find the subject registered by another that has not set its
     * rule yet (the registry's default, NONE, does not match). Either way the other is about to
     * finish: a few retries find the rule set and check that it matches; a schema the registry
     * refuses as incompatible, or a subject really set to another level, still fails.
     */
    async registerAvro(subject, schema) {
      const racing = (error: unknown) =>
        hasStatus(error, 409) ||
        (error as Error | undefined)?.name === "ConfluentSchemaRegistryCompatibilityError";
      for (let attempt = 1; ; attempt++) {
        try {
          const { id } = await registry.register(
            { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
            { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE },
          );
          return id;
        } catch (error) {
          if (!racing(error) || attempt === 5) throw error;
          await sleep(50 * attempt);
        }
      }
    },
    /** An unreachable registry, or one answering with an error, throws a TransientError: the record waits. */
    async schemaById(id): Promise<SchemaLookup> {
      let found: unknown;
      try {
        found = await registry.getSchema(id);
      } catch (error) {
        if (hasStatus(error, 404)) return { kind: "unknown" };
        if (typeof (error as { status?: unknown }).status === "number" || isNetworkError(error))
          throw new TransientError(`schema registry: ${(error as Error).message}`, { cause: error });
        // The registry answered, but the library could not make a schema of it (another kind).
        return { kind: "not-avro", reason: (error as Error).message };
      }
      const avroSchema = found as { schema?: unknown };
      if (typeof avroSchema?.schema !== "function") return { kind: "not-avro", reason: "not an Avro type" };
      try {
        return { kind: "avro", schema: (avroSchema.schema as () => avro.Schema)() as object };
      } catch (error) {
        return { kind: "not-avro", reason: (error as Error).message };
      }
    },
  };
}
