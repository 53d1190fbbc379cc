import { z } from "zod";
import { defineAdapter, touchpoint } from "./adapter-kit";
import { isoInstant, sentimentScore, starRating, text } from "./native-fields";

/** A mention or review from a social listening tool's webhook. */
export const socialWebhookSchema = z.object({
  // With the network, the event id (social:<network>:<id>) and the handle (<network>:<handle>)
  // stay within the touchpoint's 200 characters.
  id: text(100),
  network: z.string().regex(/^[a-z0-9_-]{1,50}$/, "must be a lower-case network name such as instagram"),
  kind: z.enum(["mention", "review"]),
  handle: text(100).refine((handle) => !/\s/.test(handle), "must not contain spaces"),
  postedAt: isoInstant,
  text: text(10_000).optional(),
  sentiment: sentimentScore,
  followers: z.number().int().nonnegative(),
  rating: starRating.optional(),
  url: text(2000).optional(),
});
export type SocialWebhook = z.input<typeof socialWebhookSchema>;

/**
 * One post is one touchpoint. What was said is kept as sentiment, reach and rating only: the text
 * and the link are personal data the pipeline does not need.
 */
export const socialWebhookAdapter = defineAdapter("social", socialWebhookSchema, (post, context) => [
  touchpoint(
    {
      eventId: `social:${post.network}:${post.id}`,
      occurredAt: post.postedAt,
      channel: "social",
      type: post.kind === "review" ? "review" : "social_mention",
      identifiers: {
        loyaltyId: null,
        emailHash: null,
        phoneHash: null,
        deviceId: null,
        socialHandle: `${post.network}:${post.handle}`,
      },
      sentiment: post.sentiment,
      social: { network: post.network, reach: post.followers, rating: post.rating ?? null },
      attributes: post.text === undefined ? {} : { textLength: String(post.text.length) },
    },
    context,
  ),
]);
