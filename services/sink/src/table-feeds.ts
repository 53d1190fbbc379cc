import { validateTouchpoint } from "@cx/contracts";
import {
  type PipelineTopic,
  type PipelineTopicVariable,
  pipelineTopics,
  type RecordContract,
} from "@cx/topics";
import type { SinkEnv } from "./config";
import { enrichedIdentity, type RowIdentity, stageChangeIdentity, touchpointIdentity } from "./event-dedup";
import {
  deliveryRow,
  enrichedRow,
  offerRow,
  outcomeRow,
  profileRow,
  type RowSource,
  stageChangeRow,
  suppressedRow,
} from "./output-rows";
import { touchpointRow } from "./touchpoint-row";

/** A topic and the table its records go to. */
export interface TableFeed {
  readonly topic: string;
  readonly schema: object;
  readonly table: string;
  readonly validate?: (value: unknown) => string | undefined;
  readonly row: (value: never, source: RowSource, ingestedAt: string) => object;
  /** For tables feeding aggregates: the record's identity, so a repeated event is written once. */
  readonly identity?: RowIdentity<never>;
  /** For rows about a customer: who, and the row's time (rows about an erased customer dated up to the erasure are not written). */
  readonly about?: (row: never) => { customerId: string; at: string };
  /** A compacted topic: tombstones arrive and are not rows. */
  readonly tombstones?: boolean;
}

/** The feed's topic in this environment, its schema, and tombstones if the registry compacts it. */
const source = (env: SinkEnv, entry: PipelineTopic<PipelineTopicVariable, RecordContract<unknown>>) => ({
  topic: env[entry.variable],
  schema: entry.contract.schema,
  ...(entry.compacted ? { tombstones: true } : {}),
});

const aboutCustomer =
  (time: string) =>
  (row: never): { customerId: string; at: string } => {
    const fields = row as Record<string, string>;
    return { customerId: fields.customer_id as string, at: fields[time] as string };
  };

export function tableFeeds(env: SinkEnv): TableFeed[] {
  return [
    {
      ...source(env, pipelineTopics.touchpoints),
      table: "touchpoints",
      validate: (value) => validateTouchpoint(value),
      row: touchpointRow,
      identity: touchpointIdentity,
    },
    {
      ...source(env, pipelineTopics.enriched),
      table: "enriched_touchpoints",
      row: enrichedRow,
      identity: enrichedIdentity,
      about: aboutCustomer("occurred_at"),
    },
    {
      ...source(env, pipelineTopics.stageChanges),
      table: "lifecycle_stage_changes",
      row: stageChangeRow,
      identity: stageChangeIdentity,
      about: aboutCustomer("changed_at"),
    },
    {
      ...source(env, pipelineTopics.profiles),
      table: "customer_profiles",
      row: profileRow,
      about: aboutCustomer("updated_at"),
    },
    {
      ...source(env, pipelineTopics.offers),
      table: "offers",
      row: offerRow,
      about: aboutCustomer("decided_at"),
    },
    {
      ...source(env, pipelineTopics.suppressed),
      table: "suppressed_decisions",
      row: suppressedRow,
      about: aboutCustomer("decided_at"),
    },
    {
      ...source(env, pipelineTopics.offerOutcomes),
      table: "offer_outcomes",
      row: outcomeRow,
      about: aboutCustomer("answered_at"),
    },
    {
      ...source(env, pipelineTopics.offerDeliveries),
      table: "offer_deliveries",
      row: deliveryRow,
      about: aboutCustomer("attempted_at"),
    },
  ];
}
