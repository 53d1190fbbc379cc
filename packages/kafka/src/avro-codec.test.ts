import { setTimeout as sleep } from "node:timers/promises";
import { testKafkaEnv, uniqueName } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { createAvroCodec, createSchemaRegistry } from "./avro-codec";

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
      const [first] = codecs;
      expect(await first?.decode(await (first?.encode({ id: "a" }) as Promise<Buffer>))).toEqual({
        ok: true,
        value: { id: "a" },
      });
    }
  });
});
