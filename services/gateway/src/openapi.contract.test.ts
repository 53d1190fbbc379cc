import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { generateSync, type JsonSchema, type Random } from "json-schema-faker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument, schemaValidator } from "./openapi-contract";
import { auth, gatewayEnv, json, marketingAuth, startGateway } from "./test-gateway";
import type { TouchpointWriter } from "./touchpoint-writer";

const hour = 3_600_000;
const validPhones = ["+49 30 1234567", "030 1234567", "+44 20 7946 0958", "+1 212 555 0142"];
/** Formats of the document, generated as the gateway reads them: recent instants, valid phones. */
const formats = {
  instant: (random: Random) => new Date(Date.now() - random.int(0, 400 * 24) * hour).toISOString(),
  phone: (random: Random) => random.pick(validPhones),
};
const generate = (schema: string, seed: number) =>
  generateSync(openApiDocument.components.schemas[schema] as JsonSchema, {
    seed,
    formats,
    maxItems: 3,
    optionalsProbability: 0.5,
  });

/** Values that break one rule or another: empty, blank, wrong type, out of range, too long, a lone surrogate, an emoji. */
const hostile = fc.constantFrom<unknown>(
  "",
  "   ",
  "\ud800",
  "😀".repeat(60),
  "x".repeat(1001),
  -1,
  0,
  1.5,
  1e7,
  86_401,
  10_001,
  true,
  null,
  [],
  {},
  "2099-01-01T00:00:00Z",
  "2026-13-01T00:00Z",
  "1969-12-31T23:00:00Z",
  "not-a-phone",
  "ann@example",
);

/** A generated payload with one field (top level or in the first element of an array field) changed or removed. */
const mutated = (payload: Record<string, unknown>) =>
  fc
    .record({
      key: fc.constantFrom(...Object.keys(payload)),
      value: fc.option(hostile, { nil: undefined }),
      nested: fc.boolean(),
    })
    .map(({ key, value, nested }) => {
      const copy = structuredClone(payload);
      const target = copy[key];
      if (nested && Array.isArray(target) && target[0] && typeof target[0] === "object") {
        const element = target[0] as Record<string, unknown>;
        const field = Object.keys(element)[0];
        if (field) element[field] = value;
      } else if (value === undefined) delete copy[key];
      else copy[key] = value;
      return copy;
    });

// The Segment-compatible routes (/v1/track, /v1/batch, …) are left out on purpose: as Segment does,
// they answer 200 {"success":true} to every readable call and dead-letter what they cannot use, so
// there is no 202/400 line for the document to draw; SegmentCall describes the spec, loosely.
const routes = [
  { schema: "StoreReceipt", url: "/v1/store/events", headers: auth("store") },
  { schema: "CallRecord", url: "/v1/phone/events", headers: auth("phone") },
  { schema: "WebAnalyticsSession", url: "/v1/web/events", headers: auth("web") },
  { schema: "SocialWebhook", url: "/v1/social/events", headers: auth("social") },
  { schema: "OfferResponse", url: "/v1/offer-responses", headers: marketingAuth },
];

describe("the OpenAPI document is exactly as strict as the gateway", () => {
  let app: FastifyInstance;
  let writer: TouchpointWriter;

  beforeAll(async () => {
    ({ app, writer } = await startGateway(
      gatewayEnv({ GATEWAY_RATE_LIMIT_PER_MINUTE: "1000000", GATEWAY_MAX_BODY_BYTES: String(1024 * 1024) }),
    ));
  });
  afterAll(async () => {
    await app?.close();
    await writer?.close();
  });

  it.each(routes)(
    "$url answers 202 for exactly the payloads $schema accepts",
    async ({ schema, url, headers }) => {
      const validate = schemaValidator(schema);
      const verdicts = { accepted: 0, rejected: 0 };
      const check = async (payload: unknown) => {
        const specAccepts = validate(payload);
        const response = await app.inject({
          method: "POST",
          url,
          headers: { ...headers, ...json },
          payload: JSON.stringify(payload),
        });
        expect([202, 400], response.body).toContain(response.statusCode);
        expect(
          response.statusCode === 202,
          `${JSON.stringify(payload).slice(0, 2000)}\nspec: ${JSON.stringify(validate.errors)}\ngateway: ${response.body}`,
        ).toBe(specAccepts);
        verdicts[specAccepts ? "accepted" : "rejected"]++;
      };
      const generated = Array.from(
        { length: 60 },
        (_, seed) => generate(schema, seed + 1) as Record<string, unknown>,
      );
      for (const payload of generated) await check(payload);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...generated).chain((payload) => mutated(payload)),
          check,
        ),
        { numRuns: 150, seed: 20261201 },
      );
      // Both sides of the line were tried: the comparison has teeth.
      expect(verdicts.accepted).toBeGreaterThanOrEqual(10);
      expect(verdicts.rejected).toBeGreaterThanOrEqual(40);
    },
  );
});
