import { createAvroCodec } from "@cx/kafka";
import { COMPATIBILITY, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { createInProcessSchemaRegistry } from "./index";

const v1 = {
  type: "record",
  name: "Greeting",
  namespace: "cx.test",
  fields: [{ name: "text", type: "string" }],
};
const v2 = { ...v1, fields: [...v1.fields, { name: "lang", type: "string", default: "en" }] };
const breaking = { ...v1, fields: [{ name: "text", type: "long" }] };

describe("in-process schema registry", () => {
  it("encodes in the Confluent wire format: magic byte 0, the schema id, the avsc body", async () => {
    const registry = createInProcessSchemaRegistry();
    const codec = await createAvroCodec<{ text: string }>(registry, "greetings", v1);
    const bytes = await codec.encode({ text: "hello" });
    const header = Buffer.alloc(5);
    header.writeInt32BE(codec.schemaId, 1);
    expect(bytes).toEqual(
      Buffer.concat([header, avro.Type.forSchema(v1 as avro.Schema).toBuffer({ text: "hello" })]),
    );
    expect(await codec.decode(bytes)).toEqual({ ok: true, value: { text: "hello" } });
    expect(await registry.decode(bytes)).toEqual({ text: "hello" });
  });

  it("gives a schema one id, resolves old writers to new readers, and refuses an incompatible version", async () => {
    const registry = createInProcessSchemaRegistry();
    const old = await createAvroCodec<{ text: string }>(registry, "greetings", v1);
    expect((await createAvroCodec(registry, "other", v1)).schemaId).toBe(old.schemaId);
    const current = await createAvroCodec<{ text: string; lang: string }>(registry, "greetings", v2);
    expect(current.schemaId).not.toBe(old.schemaId);
    expect(await current.decode(await old.encode({ text: "hi" }))).toEqual({
      ok: true,
      value: { text: "hi", lang: "en" },
    });
    expect(await registry.getLatestSchemaId("greetings-value")).toBe(current.schemaId);
    await expect(createAvroCodec(registry, "greetings", breaking)).rejects.toMatchObject({ status: 409 });
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
        { subject: "greetings-value", compatibility: COMPATIBILITY.BACKWARD },
      ),
    ).rejects.toThrow(/Compatibility does not match/);
  });

  it("says an unknown schema id is unknown (a poison record), not unreachable", async () => {
    const registry = createInProcessSchemaRegistry();
    const codec = await createAvroCodec<{ text: string }>(registry, "greetings", v1);
    const foreign = Buffer.from([0, 0, 0, 0, 99, 2, 65]);
    expect(await codec.decode(foreign)).toEqual({ ok: false, reason: "unknown schema id 99" });
    expect(await codec.decode(Buffer.from("plain text"))).toMatchObject({ ok: false });
  });
});
