import { type TopicContract, type Touchpoint, touchpointContract } from "@cx/contracts";
import type { IdentityChangelogValue } from "@cx/identity";
import type { OfferOutcomeRecord, OfferResponseRecord } from "@cx/offers";
import {
  type CustomerProfileRecord,
  type DeliveryRecord,
  type DeliveryStateRecord,
  dispatcherContracts,
  type EnrichedTouchpointRecord,
  enricherContracts,
  type IdentifiedRecord,
  type IdentityCommand,
  type IdentityEventRecord,
  type OfferRecord,
  type OfferStateRecord,
  offerContracts,
  type StageChangeRecord,
  type SuppressedRecord,
} from "@cx/stage-records";

declare const decodesTo: unique symbol;

/**
 * A contract with the type its records decode to, so a codec made from a topic is typed without
 * naming the type again. The type is asserted here once, not checked against the Avro schema (as
 * when each stage named it beside the schema by hand).
 */
export interface RecordContract<Value> extends TopicContract {
  readonly [decodesTo]?: Value;
}

const decodedAs = <Value>(contract: TopicContract): RecordContract<Value> => contract;

/**
 * Topics whose partition p must line up, named by the stage that restores partition p of its
 * input from partition p of its changelog (and so needs both split into the same count).
 */
export type CoPartitionGroup = "profile stage" | "offers stage" | "dispatcher";

export interface PipelineTopic<
  Variable extends string = string,
  Contract extends RecordContract<unknown> | null = RecordContract<unknown> | null,
> {
  /** The environment variable naming the topic, so tests and several pipelines on one cluster keep apart. */
  readonly variable: Variable;
  readonly defaultName: string;
  /** The value's Avro contract; null for a topic of raw bytes (the dead letters, as they were received). */
  readonly contract: Contract;
  /**
   * What the record key is: records of one key share a partition and keep their order. A
   * co-partitioned changelog is written to its input's partition, whatever its key.
   */
  readonly key: string;
  /** keyed: KAFKA_PARTITIONS partitions; single: one partition, for a total order. */
  readonly partitioning: "keyed" | "single";
  /** Keeps the latest record per key: a stage's changelog, or a latest-value topic (tombstones erase). */
  readonly compacted: boolean;
  readonly coPartitionGroup: CoPartitionGroup | null;
  readonly purpose: string;
}

const topic = <const Variable extends `${string}_TOPIC`, Contract extends RecordContract<unknown> | null>(
  entry: PipelineTopic<Variable, Contract>,
) => entry;

/** Every topic of the pipeline, in the order `cx topics` shows them. */
export const pipelineTopics = {
  touchpoints: topic({
    variable: "TOUCHPOINTS_TOPIC",
    defaultName: "cx.touchpoints",
    contract: decodedAs<Touchpoint>(touchpointContract),
    key: "strongest identifier (kind:value)",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "canonical touchpoints from the gateway, the generator and the CLI",
  }),
  deadLetter: topic({
    variable: "DEAD_LETTER_TOPIC",
    defaultName: "cx.dead-letters",
    contract: null,
    key: "the failed record's key",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "records that could not be processed, as received, with the reason in headers",
  }),
  identified: topic({
    variable: "IDENTIFIED_TOPIC",
    defaultName: "cx.identified-touchpoints",
    contract: decodedAs<IdentifiedRecord>(enricherContracts.identified),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: "profile stage",
    purpose: "enricher-internal: touchpoints and merge hand-overs from the identity to the profile stage",
  }),
  enriched: topic({
    variable: "ENRICHED_TOPIC",
    defaultName: "cx.enriched-touchpoints",
    contract: decodedAs<EnrichedTouchpointRecord>(enricherContracts.enriched),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: "offers stage",
    purpose: "touchpoints with the customer's profile snapshot, for the offers stage and the sink",
  }),
  profiles: topic({
    variable: "PROFILES_TOPIC",
    defaultName: "cx.customer-profiles",
    contract: decodedAs<CustomerProfileRecord>(enricherContracts.profile),
    key: "customer id",
    partitioning: "keyed",
    compacted: true,
    coPartitionGroup: "profile stage",
    purpose: "the latest profile per customer; also the profile stage's changelog",
  }),
  stageChanges: topic({
    variable: "STAGE_CHANGES_TOPIC",
    defaultName: "cx.lifecycle-stage-changes",
    contract: decodedAs<StageChangeRecord>(enricherContracts.stageChange),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "a customer's move from one lifecycle stage to another",
  }),
  identityEvents: topic({
    variable: "IDENTITY_EVENTS_TOPIC",
    defaultName: "cx.identity-events",
    contract: decodedAs<IdentityEventRecord>(enricherContracts.identityEvent),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "what the identity graph decided: customers created, linked, merged, blocked, unmerged",
  }),
  identityChangelog: topic({
    variable: "IDENTITY_CHANGELOG_TOPIC",
    defaultName: "cx.identity-changelog",
    contract: decodedAs<IdentityChangelogValue>(enricherContracts.identityChangelog),
    key: "graph entry (customer:, merge:, separated:, shared: and an id)",
    partitioning: "single",
    compacted: true,
    coPartitionGroup: null,
    purpose: "the identity graph's changelog, read whole by its one writer",
  }),
  identityCommands: topic({
    variable: "IDENTITY_COMMANDS_TOPIC",
    defaultName: "cx.identity-commands",
    contract: decodedAs<IdentityCommand>(enricherContracts.identityCommand),
    key: "merge id",
    partitioning: "single",
    compacted: false,
    coPartitionGroup: null,
    purpose: "operator commands to the identity stage (undo a merge)",
  }),
  offers: topic({
    variable: "OFFERS_TOPIC",
    defaultName: "cx.offers",
    contract: decodedAs<OfferRecord>(offerContracts.offer),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: "dispatcher",
    purpose: "next-best-offer decisions, for the dispatcher and the sink",
  }),
  suppressed: topic({
    variable: "SUPPRESSED_TOPIC",
    defaultName: "cx.suppressed-decisions",
    contract: decodedAs<SuppressedRecord>(offerContracts.suppressed),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "offers considered but not made (contact policy, holdout, not worth contact), with the reason",
  }),
  offerOutcomes: topic({
    variable: "OFFER_OUTCOMES_TOPIC",
    defaultName: "cx.offer-outcomes",
    contract: decodedAs<OfferOutcomeRecord>(offerContracts.outcome),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "how each offer ended: accepted, declined, ignored or expired",
  }),
  offerState: topic({
    variable: "OFFER_STATE_TOPIC",
    defaultName: "cx.offer-state",
    contract: decodedAs<OfferStateRecord>(offerContracts.state),
    key: "customer id; learner.<partition>",
    partitioning: "keyed",
    compacted: true,
    coPartitionGroup: "offers stage",
    purpose: "the offers stage's changelog: contact state per customer and a learner per partition",
  }),
  offerResponses: topic({
    variable: "OFFER_RESPONSES_TOPIC",
    defaultName: "cx.offer-responses",
    contract: decodedAs<OfferResponseRecord>(offerContracts.response),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: "offers stage",
    purpose: "outcomes reported by decision id through the gateway, read by the offers stage",
  }),
  offerDeliveries: topic({
    variable: "OFFER_DELIVERIES_TOPIC",
    defaultName: "cx.offer-deliveries",
    contract: decodedAs<DeliveryRecord>(dispatcherContracts.delivery),
    key: "customer id",
    partitioning: "keyed",
    compacted: false,
    coPartitionGroup: null,
    purpose: "every webhook delivery attempt of an offer, for the sink",
  }),
  offerDeliveryState: topic({
    variable: "OFFER_DELIVERY_STATE_TOPIC",
    defaultName: "cx.offer-delivery-state",
    contract: decodedAs<DeliveryStateRecord>(dispatcherContracts.state),
    key: "decision id; endpoint markers",
    partitioning: "keyed",
    compacted: true,
    coPartitionGroup: "dispatcher",
    purpose: "the dispatcher's changelog: deliveries in flight and disabled endpoints",
  }),
};

type PipelineTopics = typeof pipelineTopics;
export type PipelineTopicVariable = PipelineTopics[keyof PipelineTopics]["variable"];

/** The registry's entries as a list, in its order. */
export const pipelineTopicList: readonly PipelineTopic<PipelineTopicVariable>[] =
  Object.values(pipelineTopics);
