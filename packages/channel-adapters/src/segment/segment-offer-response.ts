import type { Touchpoint } from "@cx/contracts";
import { z } from "zod";
import { type IssueList, zodIssues } from "../adapter-kit";
import { currencyCode, text } from "../native-fields";

/** Events a marketing tool sends through Segment when a customer answers an offer it delivered. */
const outcomes: Record<string, "accepted" | "declined" | "ignored"> = {
  "Offer Accepted": "accepted",
  "Offer Declined": "declined",
  "Offer Ignored": "ignored",
};

const answerSchema = z.looseObject({
  decision_id: text(200),
  offer_id: text(200),
  revenue: z
    .number()
    .min(0, "must not be negative")
    .lt(1e7, "is implausibly large (10,000,000 or more)")
    .optional(),
  currency: currencyCode.optional(),
});

export function isOfferAnswer(event: string): boolean {
  return event in outcomes;
}

/**
 * An answer to an offer as an offer_response: `decision_id` and `offer_id` from the webhook's data,
 * and for an accepted one the `revenue` it brought.
 */
export function offerAnswerFields(
  event: string,
  properties: Record<string, unknown> | undefined,
  defaultCurrency: string,
  issues: IssueList,
): Pick<Touchpoint, "offerResponse" | "amount"> | null {
  const outcome = outcomes[event];
  if (!outcome) return null;
  const parsed = answerSchema.safeParse(properties ?? {});
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error)) issues.add(`properties.${issue.path}`, issue.message);
    return null;
  }
  const { decision_id, offer_id, revenue, currency } = parsed.data;
  return {
    offerResponse: { decisionId: decision_id, offerId: offer_id, outcome },
    amount:
      outcome === "accepted" && revenue !== undefined
        ? {
            minor: Math.round(revenue * 100),
            currency: currency ?? defaultCurrency,
            discountMinor: 0,
            marginMinor: null,
          }
        : null,
  };
}
