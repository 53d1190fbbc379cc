import { z } from "zod";
import { defineAdapter, touchpoint } from "./adapter-kit";
import { currencyCode, isoInstant, majorUnits, pathOnly, starRating, text } from "./native-fields";

const hitKinds = {
  session_start: "web_session",
  page_view: "page_view",
  add_to_cart: "cart",
  purchase: "purchase",
  review: "review",
} as const;

/** One web session's analytics hits, as the site's analytics collector batches them. */
export const webAnalyticsSchema = z.object({
  sessionId: text(100),
  deviceId: text(200),
  userEmail: text(320).optional(),
  loyaltyId: text(100).optional(),
  hits: z
    .array(
      z
        .object({
          hitId: text(100),
          at: isoInstant,
          kind: z.enum(Object.keys(hitKinds) as [keyof typeof hitKinds, ...(keyof typeof hitKinds)[]]),
          // Kept as an attribute (at most 1,000 characters) once its query string is dropped.
          path: text(1000).optional(),
          orderId: text(100).optional(),
          value: majorUnits.optional(),
          currency: currencyCode.optional(),
          rating: starRating.optional(),
        })
        .refine((hit) => hit.kind !== "purchase" || (hit.value !== undefined && hit.currency !== undefined), {
          message: "a purchase needs value and currency",
          path: ["value"],
        }),
    )
    .min(1)
    .max(1000),
});
export type WebAnalyticsSession = z.input<typeof webAnalyticsSchema>;

/** Every hit of the session is a touchpoint of its own; the session ties them together. */
export const webAnalyticsAdapter = defineAdapter("web", webAnalyticsSchema, (session, context, issues) => {
  const identifiers = {
    loyaltyId: session.loyaltyId ?? null,
    emailHash: issues.hashed(session.userEmail, context.hash.email, "userEmail", "email address"),
    phoneHash: null,
    deviceId: session.deviceId,
    socialHandle: null,
  };
  return session.hits.map((hit) =>
    touchpoint(
      {
        eventId: `web:${hit.hitId}`,
        occurredAt: hit.at,
        channel: "web",
        type: hitKinds[hit.kind],
        identifiers,
        amount:
          hit.value !== undefined && hit.currency !== undefined
            ? { minor: hit.value, currency: hit.currency, discountMinor: 0, marginMinor: null }
            : null,
        attributes: {
          sessionId: session.sessionId,
          ...(hit.path ? { path: pathOnly(hit.path) } : {}),
          ...(hit.orderId ? { orderId: hit.orderId } : {}),
          ...(hit.rating ? { rating: String(hit.rating) } : {}),
        },
      },
      context,
    ),
  );
});
