import avro from "avsc";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { newTouchpoint } from "./new-touchpoint";
import { type Touchpoint, touchpointContract, touchpointSchema } from "./touchpoint";
import { compiledTouchpointSchema } from "./validate-touchpoint";

const hex = (digit: string) => digit.repeat(64);

/** Every optional block filled in, so that every field of the schema can be broken. */
const full: Touchpoint = newTouchpoint({
  eventId: "evt-1",
  occurredAt: Date.UTC(2026, 10, 1),
  receivedAt: Date.UTC(2026, 10, 1, 0, 5),
  channel: "store",
  type: "purchase",
  identifiers: {
    loyaltyId: "L-1",
    emailHash: hex("a"),
    phoneHash: hex("b"),
    deviceId: "device-1",
    socialHandle: "twitter:ann",
  },
  sourceSystem: "till",
  amount: { minor: 1999, currency: "EUR", discountMinor: 100, marginMinor: 500 },
  sentiment: 0.5,
  lineItems: [{ sku: "SKU-1", quantity: 2, unitPriceMinor: 1000, discountMinor: 0 }],
  experience: { satisfaction: 4, effort: 2, nps: 9, waitSeconds: 30, handleSeconds: 120, resolved: true },
  offerResponse: { decisionId: "d-1", offerId: "o-1", outcome: "accepted" },
  consent: { scope: "email", granted: true },
  social: { network: "twitter", reach: 10, rating: 5 },
  referral: { referredKey: "ref-1", converted: false },
  attributes: { store: "berlin-1" },
});

/** The path of every value inside a touchpoint (objects, arrays and leaves). */
function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const paths = path.length > 0 ? [path] : [];
  if (typeof value === "object" && value !== null)
    for (const [key, inner] of Object.entries(value))
      paths.push(...pathsOf(inner, [...path, Array.isArray(value) ? Number(key) : key]));
  return paths;
}

/** A deep copy with the value at `path` replaced, deleted, or given a sibling key zod does not know. */
function mutated(path: (string | number)[], change: "replace" | "delete" | "extra", next: unknown): unknown {
  const copy = structuredClone(full) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (change === "replace") parent[last] = next;
  else if (change === "delete") delete parent[last];
  else if (!Array.isArray(parent)) parent.unknownKey = next;
  return copy;
}

/** Values at the edges of what the touchpoint's rules allow, and values of the wrong kind. */
const awkward = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    "",
    " ",
    "x".repeat(1001),
    "bad\ud800",
    "EUR",
    "twitter:ann",
    hex("c"),
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    true,
    [],
    {},
    new Date(0),
    Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`key${index}`, "value"])),
  ),
  fc.anything(),
);

/** What a parse says, comparable across the compiled and the runtime parser. */
const verdict = (result: z.ZodSafeParseResult<unknown>) =>
  result.success
    ? { data: result.data }
    : { issues: result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })) };

describe("the compiled touchpoint schema", () => {
  it("is compiled whole: no part of the schema falls back to the runtime parser", () => {
    expect(() => z.compile(touchpointSchema, { strict: true })).not.toThrow();
  });

  it("says what the runtime parser says, whichever field is broken and how", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...pathsOf(full)),
        fc.constantFrom("replace", "delete", "extra") as fc.Arbitrary<"replace" | "delete" | "extra">,
        awkward,
        (path, change, next) => {
          const candidate = mutated(path, change, next);
          expect(verdict(compiledTouchpointSchema.safeParse(candidate))).toEqual(
            verdict(touchpointSchema.safeParse(candidate)),
          );
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("accepts a touchpoint as Avro decodes it (a record class whose prototype has enumerable methods)", () => {
    const type = avro.Type.forSchema(touchpointContract.schema as avro.Schema);
    const decoded = type.fromBuffer(type.toBuffer(full));
    expect(Object.getPrototypeOf(decoded)).not.toBe(Object.prototype);
    expect(compiledTouchpointSchema.safeParse(decoded).success).toBe(true);
    const blankLoyalty = { ...decoded, identifiers: { ...decoded.identifiers, loyaltyId: " " } };
    expect(verdict(compiledTouchpointSchema.safeParse(blankLoyalty))).toEqual(
      verdict(touchpointSchema.safeParse(blankLoyalty)),
    );
  });
});
