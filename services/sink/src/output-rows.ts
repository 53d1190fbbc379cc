import type { OfferOutcomeRecord } from "@cx/offers";
import type {
  CustomerProfileRecord,
  DeliveryRecord,
  EnrichedTouchpointRecord,
  OfferRecord,
  StageChangeRecord,
  SuppressedRecord,
} from "@cx/stage-records";
import { isoTime as iso } from "./iso-time";

/** Rows of the tables for the enricher's and offer service's topics (migration 0003, holdout: 0008). */

export interface RowSource {
  /** The Kafka cluster id: offsets are only comparable within one cluster. */
  readonly cluster: string;
  readonly partition: number;
  readonly offset: string;
}

export function enrichedRow(record: EnrichedTouchpointRecord, source: RowSource, ingestedAt: string) {
  const { touchpoint, profile } = record;
  return {
    event_id: touchpoint.eventId,
    customer_id: record.customerId,
    occurred_at: iso(touchpoint.occurredAt),
    channel: touchpoint.channel,
    type: touchpoint.type,
    amount_minor: touchpoint.amount?.minor ?? null,
    sentiment: touchpoint.sentiment,
    tier: profile.tier,
    stage: profile.lifecycle.stage,
    next_stage: profile.lifecycle.nextStage,
    days_until_next_stage: profile.lifecycle.daysUntilNextStage,
    current_value_minor: profile.value.currentValueMinor,
    predicted_value_minor: profile.value.predictedValueMinor,
    indirect_value_minor: profile.value.indirectValueMinor,
    probability_alive: profile.value.probabilityAlive,
    negative_value: profile.value.negative,
    holdout: record.holdout,
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function stageChangeRow(record: StageChangeRecord, source: RowSource, ingestedAt: string) {
  return {
    customer_id: record.customerId,
    from_stage: record.from,
    to_stage: record.to,
    changed_at: iso(record.at),
    event_id: record.eventId,
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function offerRow(record: OfferRecord, source: RowSource, ingestedAt: string) {
  const { explanation } = record;
  return {
    decision_id: record.decisionId,
    customer_id: record.customerId,
    offer_id: record.offerId,
    kind: record.kind,
    channel: record.channel,
    trigger: record.trigger,
    decided_at: iso(record.decidedAt),
    expires_at: iso(record.expiresAt),
    catalog_version: record.catalogVersion,
    propensity: explanation.propensity,
    context_weight: explanation.contextWeight,
    value: explanation.value,
    lever: explanation.lever,
    priority: explanation.priority,
    context: explanation.context,
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function suppressedRow(record: SuppressedRecord, source: RowSource, ingestedAt: string) {
  return {
    decision_id: record.decisionId,
    customer_id: record.customerId,
    offer_id: record.offerId,
    channel: record.channel,
    reason: record.reason,
    trigger: record.trigger,
    decided_at: iso(record.at),
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function outcomeRow(record: OfferOutcomeRecord, source: RowSource, ingestedAt: string) {
  return {
    decision_id: record.decisionId,
    customer_id: record.customerId,
    offer_id: record.offerId,
    channel: record.channel,
    outcome: record.outcome,
    answered_at: iso(record.at),
    value_minor: record.valueMinor,
    context: record.context,
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function deliveryRow(record: DeliveryRecord, source: RowSource, ingestedAt: string) {
  return {
    decision_id: record.decisionId,
    customer_id: record.customerId,
    offer_id: record.offerId,
    channel: record.channel,
    endpoint: record.endpoint,
    attempt: record.attempt,
    status: record.status,
    http_status: record.httpStatus,
    latency_ms: record.latencyMs,
    error: record.error,
    attempted_at: iso(record.attemptedAt),
    next_attempt_at: record.nextAttemptAt === null ? null : iso(record.nextAttemptAt),
    ingested_at: ingestedAt,
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function profileRow(record: CustomerProfileRecord, source: RowSource) {
  const { snapshot, state } = record;
  return {
    customer_id: record.customerId,
    updated_at: iso(record.updatedAt),
    merged_into: record.mergedInto,
    tier: snapshot?.tier ?? "",
    stage: snapshot?.lifecycle.stage ?? "",
    next_stage: snapshot?.lifecycle.nextStage ?? "",
    current_value_minor: snapshot?.value.currentValueMinor ?? 0,
    predicted_value_minor: snapshot?.value.predictedValueMinor ?? null,
    indirect_value_minor: snapshot?.value.indirectValueMinor ?? 0,
    probability_alive: snapshot?.value.probabilityAlive ?? null,
    negative_value: snapshot?.value.negative ?? false,
    holdout: record.holdout,
    purchase_days: snapshot?.traits.purchaseDays ?? 0,
    net_revenue_minor: snapshot?.traits.netRevenueMinor ?? 0,
    complaints: snapshot?.traits.complaints ?? 0,
    average_sentiment: snapshot?.traits.averageSentiment ?? null,
    nps_class: snapshot?.traits.npsClass ?? null,
    channels: state ? Object.keys(state.channels).sort() : [],
    source_cluster: source.cluster,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}
