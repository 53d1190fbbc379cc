import { z } from "zod";
import { currencyCode, isoInstant, maxQuantity, text } from "../native-fields";

/** Segment lets ids be strings or numbers; the pipeline keeps them as text. */
export const segmentId = z
  .union([z.string(), z.number().refine(Number.isFinite, "must be finite")])
  .transform(String)
  .pipe(text(200));

export const segmentCallTypes = ["track", "identify", "page", "screen", "group", "alias"] as const;
export type SegmentCallType = (typeof segmentCallTypes)[number];

const looseRecord = z.record(z.string(), z.unknown());

/**
 * One call of the Segment HTTP Tracking API (https://segment.com/docs/connections/spec/common/), as
 * analytics.js, the mobile SDKs and @segment/analytics-node send it. Fields the pipeline does not
 * use are allowed and ignored, as Segment does.
 */
export const segmentCallSchema = z
  .object({
    type: z.enum(segmentCallTypes),
    messageId: text(200).optional(),
    userId: segmentId.nullish(),
    anonymousId: segmentId.nullish(),
    previousId: segmentId.optional(),
    groupId: segmentId.optional(),
    event: text(200).optional(),
    name: z.string().max(1000).nullish(),
    category: z.string().max(1000).nullish(),
    properties: looseRecord.optional(),
    traits: looseRecord.optional(),
    context: z
      .looseObject({
        traits: looseRecord.optional(),
        timezone: z.string().max(100).optional(),
        page: z.looseObject({ path: z.string().max(2000).optional() }).optional(),
        consent: z
          .looseObject({ categoryPreferences: z.record(z.string(), z.boolean()).optional() })
          .optional(),
      })
      .optional(),
    timestamp: isoInstant.optional(),
    originalTimestamp: isoInstant.optional(),
    sentAt: isoInstant.optional(),
  })
  .loose()
  .superRefine((call, context) => {
    if (call.userId == null && call.anonymousId == null)
      context.addIssue({ code: "custom", path: ["userId"], message: "userId or anonymousId is required" });
    if (call.type === "track" && call.event === undefined)
      context.addIssue({ code: "custom", path: ["event"], message: "a track call needs an event name" });
    if (call.type === "alias" && call.previousId === undefined)
      context.addIssue({ code: "custom", path: ["previousId"], message: "an alias call needs previousId" });
    if (call.type === "group" && call.groupId === undefined)
      context.addIssue({ code: "custom", path: ["groupId"], message: "a group call needs groupId" });
  });
export type SegmentCall = z.output<typeof segmentCallSchema>;
export type SegmentCallInput = z.input<typeof segmentCallSchema>;

/** Money in major units, within what the canonical touchpoint holds (as the other channels' majorUnits). */
const implausible = "is implausibly large (10,000,000 or more)";
const nonNegative = z.number().min(0, "must not be negative").lt(1e7, implausible);
/** An order's stated amount; a refund may state it negative (its sign comes from the event). */
const signedAmount = z
  .number()
  .refine(Number.isFinite, "must be a finite number")
  .refine((value) => Math.abs(value) < 1e7, implausible);

export const productSchema = z.looseObject({
  product_id: segmentId.optional(),
  sku: segmentId.optional(),
  id: segmentId.optional(),
  price: nonNegative.optional(),
  quantity: z.number().int().positive().max(maxQuantity).optional(),
});
export type Product = z.output<typeof productSchema>;

/** The properties of Segment's e-commerce events that carry money (V2 spec). */
export const orderSchema = z.looseObject({
  order_id: segmentId.optional(),
  total: signedAmount.optional(),
  revenue: signedAmount.optional(),
  value: signedAmount.optional(),
  discount: nonNegative.optional(),
  currency: currencyCode.optional(),
  products: z.array(productSchema).max(500).optional(),
});
export type Order = z.output<typeof orderSchema>;
