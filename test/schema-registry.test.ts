import { loadSchemaVersions, touchpointContract } from "@cx/contracts";
import { createAvroCodec, createSchemaRegistry } from "@cx/kafka";
import { testServers, uniqueName } from "@cx/testing";
import { sampleTouchpoints } from "@cx/workload";
import { describe, expect, it } from "vitest";

describe("schema registry (Confluent API)", () => {
  const url = () => testServers().schemaRegistryUrl;

  it("registers the touchpoint schema with FULL_TRANSITIVE compatibility and round-trips a record", async () => {
    const registry = createSchemaRegistry(url());
    const topic = uniqueName("touchpoints");
    const codec = await createAvroCodec(registry, topic, touchpointContract.schema);
    const config = (await (await fetch(`${url()}/config/${codec.subject}`)).json()) as {
      compatibilityLevel: string;
    };
    expect(config.compatibilityLevel).toBe("FULL_TRANSITIVE");

    const [touchpoint] = sampleTouchpoints({ count: 1, seed: 3, endAt: Date.UTC(2026, 10, 1) });
    const bytes = codec.encode(touchpoint);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(codec.schemaId);
    expect(await codec.decode(bytes)).toEqual({ ok: true, value: touchpoint });
  });

  it("refuses a new version that old readers could not read", async () => {
    const registry = createSchemaRegistry(url());
    const topic = uniqueName("touchpoints");
    await createAvroCodec(registry, topic, touchpointContract.schema);
    const schema = touchpointContract.schema as { fields: object[] };
    const breaking = { ...schema, fields: [...schema.fields, { name: "storeId", type: "string" }] };
    await expect(createAvroCodec(registry, topic, breaking)).rejects.toThrow();
  });

  it.each(["enriched-touchpoint", "customer-profile"])(
    "takes v2 of %s (holdout) over v1 on one subject, and old and new readers read each other's records",
    async (name) => {
      const [v1, v2] = loadSchemaVersions(name);
      if (!v1 || !v2) throw new Error(`expected v1 and v2 of ${name}`);
      const registry = createSchemaRegistry(url());
      const topic = uniqueName(name);
      // An old writer registered v1; a new service starting on the same topic registers v2.
      const old = await createAvroCodec<Record<string, unknown>>(registry, topic, v1.schema);
      const next = await createAvroCodec<Record<string, unknown>>(registry, topic, v2.schema);
      expect(next.schemaId).not.toBe(old.schemaId);
      const written = v1.type.random() as unknown as Record<string, unknown>;
      const readByNew = await next.decode(old.encode(written));
      expect(readByNew).toMatchObject({
        ok: true,
        value: { customerId: written.customerId, holdout: false },
      });
      const held = { ...(v2.type.random() as unknown as object), holdout: true } as Record<string, unknown>;
      const readByOld = await old.decode(next.encode(held));
      expect(readByOld).toMatchObject({ ok: true, value: { customerId: held.customerId } });
      expect(readByOld.ok && "holdout" in readByOld.value).toBe(false);
    },
  );

  it("takes v3 of customer-profile (remembered hashes) after v1 and v2 on one subject, and reads a v2 record's ids", async () => {
    const [v1, v2, v3] = loadSchemaVersions("customer-profile");
    if (!v1 || !v2 || !v3) throw new Error("expected v1, v2 and v3 of customer-profile");
    const registry = createSchemaRegistry(url());
    const topic = uniqueName("customer-profile");
    await createAvroCodec(registry, topic, v1.schema);
    const old = await createAvroCodec<Record<string, unknown>>(registry, topic, v2.schema);
    // FULL_TRANSITIVE: refused unless readers of v1 and v2 can read v3 and the other way round.
    const next = await createAvroCodec<{ state: Record<string, unknown> | null }>(registry, topic, v3.schema);
    // A random record, with a profile (random ones may be a merged-away customer's, without).
    let random = v2.type.random() as unknown as { state: object | null };
    while (random.state === null) random = v2.type.random() as unknown as { state: object | null };
    const written = { ...random, state: { ...random.state, recentEventIds: ["e-1", "e-2"] } };
    const read = await next.decode(await old.encode(written));
    expect(read).toMatchObject({
      ok: true,
      value: { state: { recentEventIds: ["e-1", "e-2"], recentEventHashes: [] } },
    });
  });

  it("says why bytes cannot be decoded instead of throwing", async () => {
    const registry = createSchemaRegistry(url());
    const codec = await createAvroCodec(registry, uniqueName("touchpoints"), touchpointContract.schema);
    expect(await codec.decode(Buffer.from("not avro at all"))).toMatchObject({
      ok: false,
      reason: /wire format/,
    });
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
    expect(await codec.decode(unknownId)).toMatchObject({ ok: false, reason: /unknown schema id/ });
    const truncated = Buffer.concat([Buffer.from([0]), Buffer.alloc(4), Buffer.from([2])]);
    truncated.writeInt32BE(codec.schemaId, 1);
    expect(await codec.decode(truncated)).toMatchObject({ ok: false, reason: /undecodable/ });
  });
});
