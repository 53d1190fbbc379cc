import { z } from "zod";
import { loadContract } from "./schema-files";
import type { TopicContract } from "./topic-contract";

/**
 * The canonical touchpoint as zod sees it. Its structure mirrors schemas/touchpoint/vN.avsc exactly
 * (a test walks both and fails on any difference); on top, it holds the rules Avro cannot express.
 * Time-relative rules (nothing from the future) live in validateTouchpoint.
 */

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => value.isWellFormed(), "contains invalid unicode (a lone surrogate)");
const nonEmptyText = (max: number) =>
  text(max).refine((value) => value.trim().length > 0, "must not be empty");
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();
const hmacHex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a 64-character lowercase hex HMAC, never a raw value");
const minorUnits = z
  .number()
  .int("must be a whole number of minor units")
  .refine(Number.isSafeInteger, "is too large");
const epochMillis = z.number().int().positive("must be epoch milliseconds");

export const channels = ["store", "phone", "web", "social"] as const;
export const touchpointTypes = [
  "other",
  "visit",
  "purchase",
  "return",
  "service_request",
  "service_resolved",
  "complaint",
  "call",
  "web_session",
  "page_view",
  "cart",
  "review",
  "social_mention",
  "referral",
  "survey_response",
  "offer_response",
  "consent_change",
  "erasure_request",
  "payment_failed",
] as const;
export const consentScopes = ["email", "sms", "push", "phone", "post", "all"] as const;

export const identifiersSchema = z.object({
  loyaltyId: nullable(nonEmptyText(100)),
  emailHash: nullable(hmacHex),
  phoneHash: nullable(hmacHex),
  deviceId: nullable(nonEmptyText(200)),
  socialHandle: nullable(
    nonEmptyText(200).refine((value) => /^[a-z0-9_-]+:\S+$/.test(value), "must be 'network:handle'"),
  ),
});

export const touchpointSchema = z.object({
  eventId: nonEmptyText(200),
  occurredAt: epochMillis,
  receivedAt: epochMillis,
  channel: z.enum(channels),
  type: z.enum(touchpointTypes),
  identifiers: identifiersSchema.refine(
    (ids) => Object.values(ids).some((value) => value !== null),
    "needs at least one customer identifier",
  ),
  amount: nullable(
    z.object({
      minor: minorUnits,
      currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR"),
      discountMinor: minorUnits.nonnegative(),
      marginMinor: nullable(minorUnits),
    }),
  ),
  sentiment: nullable(z.number().min(-1).max(1)),
  sourceSystem: text(100),
  lineItems: z
    .array(
      z.object({
        sku: nonEmptyText(100),
        quantity: z
          .number()
          .int()
          .refine((value) => value !== 0, "must not be 0"),
        unitPriceMinor: minorUnits.nonnegative(),
        discountMinor: minorUnits.nonnegative(),
      }),
    )
    .max(500),
  experience: z.object({
    satisfaction: nullable(z.number().int().min(1).max(5)),
    effort: nullable(z.number().int().min(1).max(7)),
    nps: nullable(z.number().int().min(0).max(10)),
    waitSeconds: nullable(z.number().int().nonnegative()),
    handleSeconds: nullable(z.number().int().nonnegative()),
    resolved: nullable(z.boolean()),
  }),
  offerResponse: nullable(
    z.object({
      decisionId: nonEmptyText(200),
      offerId: nonEmptyText(200),
      outcome: z.enum(["accepted", "declined", "ignored", "expired"]),
    }),
  ),
  consent: nullable(z.object({ scope: z.enum(consentScopes), granted: z.boolean() })),
  social: nullable(
    z.object({
      network: nonEmptyText(50),
      reach: z.number().int().nonnegative(),
      rating: nullable(z.number().int().min(1).max(5)),
    }),
  ),
  referral: nullable(z.object({ referredKey: nullable(nonEmptyText(300)), converted: z.boolean() })),
  attributes: z
    .record(text(100), text(1000))
    .refine((attributes) => Object.keys(attributes).length <= 50, "at most 50 attributes"),
});

export type Touchpoint = z.infer<typeof touchpointSchema>;
export type Channel = Touchpoint["channel"];
export type TouchpointType = Touchpoint["type"];
export type Experience = Touchpoint["experience"];

/** A touchpoint's experience block with nothing measured. */
export const noExperience: Experience = Object.freeze({
  satisfaction: null,
  effort: null,
  nps: null,
  waitSeconds: null,
  handleSeconds: null,
  resolved: null,
});

/** A touchpoint's identifiers with none known (an erasure's row, a fixture that sets only some). */
export const noIdentifiers: Touchpoint["identifiers"] = Object.freeze({
  loyaltyId: null,
  emailHash: null,
  phoneHash: null,
  deviceId: null,
  socialHandle: null,
});

export const touchpointContract: TopicContract = loadContract("touchpoint");
