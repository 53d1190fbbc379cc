import { customerOfDecision } from "./arbitration";
import type { OfferOutcome } from "./customer-offers";
import type { ReportedOutcome } from "./offer-engine";

/** An outcome a marketing tool reported through the gateway by decision id (schemas/offer-response). */
export interface OfferResponseRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly outcome: string;
  readonly amount: { readonly minor: number; readonly currency: string } | null;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly sourceSystem: string;
}

export const offerOutcomes = ["accepted", "declined", "ignored", "expired"] as const;

/** Why a response record cannot be applied as it stands, or undefined. */
export function responseProblem(record: OfferResponseRecord): string | undefined {
  if (customerOfDecision(record.decisionId) !== record.customerId)
    return "the decision id does not name the record's customer";
  if (!(offerOutcomes as readonly string[]).includes(record.outcome))
    return `outcome ${record.outcome} is not one of ${offerOutcomes.join(", ")}`;
  return undefined;
}

/** What the engine needs of a valid response record. */
export const reportedOutcome = (record: OfferResponseRecord): ReportedOutcome => ({
  decisionId: record.decisionId,
  outcome: record.outcome as OfferOutcome,
  at: record.occurredAt,
  valueMinor: record.amount?.minor ?? 0,
});
