import { loadContract } from "@cx/contracts";
import type { OfferRecord } from "./offer-records";

export const dispatcherContracts = {
  delivery: loadContract("offer-delivery"),
  state: loadContract("offer-delivery-state"),
};

export type DeliveryStatus = "delivered" | "retrying" | "failed" | "disabled" | "refused";

/** One attempt (or the final word on a decision that could not be attempted), as on cx.offer-deliveries. */
export interface DeliveryRecord {
  readonly decisionId: string;
  readonly customerId: string;
  readonly offerId: string;
  readonly channel: string;
  readonly endpoint: string;
  readonly attempt: number;
  readonly status: DeliveryStatus;
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly attemptedAt: number;
  readonly nextAttemptAt: number | null;
}

/** Where one decision's delivery stands; the changelog's value under its decision id. */
export interface DeliveryProgress {
  readonly offer: OfferRecord;
  readonly status: "pending" | "delivered" | "failed";
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
}

export interface DisabledEndpoint {
  readonly channel: string;
  readonly url: string;
  readonly disabledAt: number;
  readonly reason: string;
}

export interface DeliveryStateRecord {
  readonly delivery: DeliveryProgress | null;
  readonly disabledEndpoint: DisabledEndpoint | null;
}

/** The changelog key of a channel's disabled endpoint (decision ids never start with it). */
export const endpointKey = (channel: string) => `endpoint:${channel}`;
