import { currencyCode, isoInstant, majorUnits, text } from "@cx/channel-adapters";
import { maxFutureSkewMs, type ValidationIssue } from "@cx/contracts";
import { customerOfDecision, type OfferResponseRecord, offerOutcomes } from "@cx/offers";
import { z } from "zod";

/** What a marketing tool posts: the decision it answers and what the customer did. */
const offerResponsePayload = z
  .object({
    decisionId: text(200),
    outcome: z.enum(offerOutcomes),
    /** What an accepted offer brought, in major units (19.99), with its currency. */
    amount: majorUnits.optional(),
    currency: currencyCode.optional(),
    /** When the customer answered; the time of receipt if not given. */
    occurredAt: isoInstant.optional(),
  })
  .strict();

export type OfferResponseOutcome =
  | { readonly ok: true; readonly record: OfferResponseRecord }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

export interface ResponseContext {
  readonly receivedAt: number;
  readonly sourceSystem: string;
}

/** Turns one posted offer response into the record the offers stage reads, or says what is wrong. */
export function adaptOfferResponse(input: unknown, context: ResponseContext): OfferResponseOutcome {
  const parsed = offerResponsePayload.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    };
  const { decisionId, outcome, amount, currency, occurredAt } = parsed.data;
  const issues: ValidationIssue[] = [];
  const customerId = customerOfDecision(decisionId);
  if (customerId === undefined)
    issues.push({
      path: "decisionId",
      message:
        "names no customer (expected dec_<24 hex>_<customer id> from cx.offers); an older decision id is answered by an offer_response touchpoint with the customer's identifiers",
    });
  if ((amount === undefined) !== (currency === undefined))
    issues.push({
      path: amount === undefined ? "amount" : "currency",
      message: "amount and currency go together",
    });
  if (amount !== undefined && outcome !== "accepted")
    issues.push({ path: "amount", message: "only an accepted offer brings an amount" });
  if (occurredAt !== undefined && occurredAt > context.receivedAt + maxFutureSkewMs)
    issues.push({ path: "occurredAt", message: "is more than a day in the future" });
  if (issues.length > 0 || customerId === undefined) return { ok: false, issues };
  return {
    ok: true,
    record: {
      decisionId,
      customerId,
      outcome,
      amount: amount === undefined || currency === undefined ? null : { minor: amount, currency },
      occurredAt: occurredAt ?? context.receivedAt,
      receivedAt: context.receivedAt,
      sourceSystem: context.sourceSystem,
    },
  };
}
