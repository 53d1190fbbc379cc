import { setTimeout as sleep } from "node:timers/promises";
import { testKafkaEnv, uniqueName } from "@cx/testing";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { describe, expect, it } from "vitest";
import { createAvroCodec } from "./avro-codec";
import { createSchemaRegistry } from "./confluent-registry";

const schema = {
  type: "record",
  name: "Probe",
  namespace: "cx.test",
  fields: [{ name: "id", type: "string" }],
};

describe("createAvroCodec on the real registry", () => {
  it("lets services that start together register the same new subject at once", async () => {
    const { SCHEMA_REGISTRY_URL } = testKafkaEnv();
    for (let round = 0; round < 4; round++) {
      const topic = uniqueName("codec_race");
      // A client each, as separate processes have, starting a few milliseconds apart: each may find
      // the subject new (and set its rule), or registered by another that has not set the rule yet.
      const codecs = await Promise.all(
        Array.from({ length: 6 }, async (_, index) => {
          await sleep(index * 4 * round);
          return createAvroCodec(createSchemaRegistry(SCHEMA_REGISTRY_URL), topic, schema);
        }),
      );
      expect(new Set(codecs.map((codec) => codec.schemaId)).size).toBe(1);
      const first = codecs[0] as (typeof codecs)[0];
      expect(await first.decode(first.encode({ id: "a" }))).toEqual({
        ok: true,
        value: { id: "a" },
      });
    }
  });

  it("rejects, with a reason, a record whose schema id names a registered schema that is not Avro", async () => {
    const { SCHEMA_REGISTRY_URL } = testKafkaEnv();
    const registry = createSchemaRegistry(SCHEMA_REGISTRY_URL);
    const codec = await createAvroCodec(registry, uniqueName("codec_kind"), schema);
    const { id: jsonSchemaId } = await new SchemaRegistry({ host: SCHEMA_REGISTRY_URL }).register(
      {
        type: SchemaType.JSON,
        schema: JSON.stringify({ type: "object", properties: { id: { type: "string" } } }),
      },
      { subject: `${uniqueName("json_subject")}-value` },
    );
    const record = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from('{"id":"a"}')]);
    record.writeInt32BE(jsonSchemaId, 1);
    const result = await codec.decode(record);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toMatch(
      new RegExp(`schema id ${jsonSchemaId} is not an Avro schema`),
    );
    // An id the registry does not know is a reason too, not an outage.
    record.writeInt32BE(2_000_000_000, 1);
    expect(await codec.decode(record)).toEqual({ ok: false, reason: "unknown schema id 2000000000" });
  });
});
