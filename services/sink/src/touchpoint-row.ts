import type { Touchpoint } from "@cx/contracts";

/** One row of the touchpoints table, in the shape ClickHouse's JSONEachRow expects. */
export interface TouchpointRow {
  event_id: string;
  occurred_at: string;
  received_at: string;
  ingested_at: string;
  channel: string;
  type: string;
  loyalty_id: string | null;
  email_hash: string | null;
  phone_hash: string | null;
  device_id: string | null;
  social_handle: string | null;
  amount_minor: number | null;
  currency: string | null;
  sentiment: number | null;
  attributes: Record<string, string>;
  source_partition: number;
  source_offset: string;
}

export function touchpointRow(
  touchpoint: Touchpoint,
  source: { partition: number; offset: string },
  ingestedAt: Date,
): TouchpointRow {
  const ids = touchpoint.identifiers;
  return {
    event_id: touchpoint.eventId,
    occurred_at: new Date(touchpoint.occurredAt).toISOString(),
    received_at: new Date(touchpoint.receivedAt).toISOString(),
    ingested_at: ingestedAt.toISOString(),
    channel: touchpoint.channel,
    type: touchpoint.type,
    loyalty_id: ids.loyaltyId,
    email_hash: ids.emailHash,
    phone_hash: ids.phoneHash,
    device_id: ids.deviceId,
    social_handle: ids.socialHandle,
    amount_minor: touchpoint.amount?.minor ?? null,
    currency: touchpoint.amount?.currency ?? null,
    sentiment: touchpoint.sentiment,
    attributes: touchpoint.attributes,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}
