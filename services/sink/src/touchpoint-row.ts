import { noIdentifiers, type Touchpoint } from "@cx/contracts";
import { isoTime } from "./iso-time";

/** One row of the touchpoints table, in the shape ClickHouse's JSONEachRow expects. */
export interface TouchpointRow {
  event_id: string;
  occurred_at: string;
  received_at: string;
  ingested_at: string;
  channel: string;
  type: string;
  source_system: string;
  loyalty_id: string | null;
  email_hash: string | null;
  phone_hash: string | null;
  device_id: string | null;
  social_handle: string | null;
  amount_minor: number | null;
  currency: string | null;
  discount_minor: number;
  margin_minor: number | null;
  line_items: { sku: string; quantity: number; unit_price_minor: number; discount_minor: number }[];
  sentiment: number | null;
  satisfaction: number | null;
  effort: number | null;
  nps: number | null;
  wait_seconds: number | null;
  handle_seconds: number | null;
  resolved: boolean | null;
  offer_decision_id: string | null;
  offer_id: string | null;
  offer_outcome: string | null;
  consent_scope: string | null;
  consent_granted: boolean | null;
  social_network: string | null;
  social_reach: number | null;
  rating: number | null;
  referred_key: string | null;
  referral_converted: boolean | null;
  attributes: Record<string, string>;
  source_cluster: string;
  source_partition: number;
  source_offset: string;
}

export function touchpointRow(
  touchpoint: Touchpoint,
  source: { cluster: string; partition: number; offset: string },
  ingestedAt: string,
): TouchpointRow {
  const { amount, experience, offerResponse, consent, social, referral } = touchpoint;
  // An erasure request is kept as the record that it was asked and when, without whom it was about.
  const ids = touchpoint.type === "erasure_request" ? noIdentifiers : touchpoint.identifiers;
  return {
    event_id: touchpoint.eventId,
    occurred_at: isoTime(touchpoint.occurredAt),
    received_at: isoTime(touchpoint.receivedAt),
    ingested_at: ingestedAt,
    channel: touchpoint.channel,
    type: touchpoint.type,
    source_system: touchpoint.sourceSystem,
    loyalty_id: ids.loyaltyId,
    email_hash: ids.emailHash,
    phone_hash: ids.phoneHash,
    device_id: ids.deviceId,
    social_handle: ids.socialHandle,
    amount_minor: amount?.minor ?? null,
    currency: amount?.currency ?? null,
    discount_minor: amount?.discountMinor ?? 0,
    margin_minor: amount?.marginMinor ?? null,
    line_items: touchpoint.lineItems.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unit_price_minor: item.unitPriceMinor,
      discount_minor: item.discountMinor,
    })),
    sentiment: touchpoint.sentiment,
    satisfaction: experience.satisfaction,
    effort: experience.effort,
    nps: experience.nps,
    wait_seconds: experience.waitSeconds,
    handle_seconds: experience.handleSeconds,
    resolved: experience.resolved,
    offer_decision_id: offerResponse?.decisionId ?? null,
    offer_id: offerResponse?.offerId ?? null,
    offer_outcome: offerResponse?.outcome ?? null,
    consent_scope: consent?.scope ?? null,
    consent_granted: consent?.granted ?? null,
    social_network: social?.network ?? null,
    social_reach: social?.reach ?? null,
    rating: social?.rating ?? null,
    referred_key: referral?.referredKey ?? null,
    referral_converted: referral?.converted ?? null,
    attributes: touchpoint.attributes,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}
