import type { OfferRecord } from "@cx/stage-records";
import type { WebhookRequest } from "./webhook-client";
import { signWebhook } from "./webhook-signature";

export interface Endpoint {
  readonly url: URL;
  readonly secrets: readonly Buffer[];
}

/**
 * The webhook for one decision, in the Standard Webhooks shape: `{type, timestamp, data}` with the
 * decision as data. webhook-id is the decision id, the same on every attempt, so a receiver that
 * saw it already can answer 2xx without acting twice; the timestamp is the attempt's.
 */
export function offerWebhook(offer: OfferRecord, endpoint: Endpoint, attemptAt: number): WebhookRequest {
  const body = JSON.stringify({
    type: "offer.decided",
    timestamp: new Date(offer.decidedAt).toISOString(),
    data: {
      ...offer,
      decidedAt: new Date(offer.decidedAt).toISOString(),
      expiresAt: new Date(offer.expiresAt).toISOString(),
    },
  });
  const timestamp = Math.floor(attemptAt / 1000);
  return {
    url: endpoint.url,
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "cx-dispatcher",
      "webhook-id": offer.decisionId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook(endpoint.secrets, offer.decisionId, timestamp, body),
    },
  };
}
