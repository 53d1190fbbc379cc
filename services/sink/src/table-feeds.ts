import { touchpointContract, validateTouchpoint } from "@cx/contracts";
import { dispatcherContracts, enricherContracts, offerContracts } from "@cx/stage-records";
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

const aboutCustomer =
  (time: string) =>
  (row: never): { customerId: string; at: string } => {
    const fields = row as Record<string, string>;
    return { customerId: fields.customer_id as string, at: fields[time] as string };
  };

export function tableFeeds(env: SinkEnv): TableFeed[] {
  return [
    {
      topic: env.TOUCHPOINTS_TOPIC,
      schema: touchpointContract.schema,
      table: "touchpoints",
      validate: (value) => validateTouchpoint(value),
      row: touchpointRow,
      identity: touchpointIdentity,
    },
    {
      topic: env.ENRICHED_TOPIC,
      schema: enricherContracts.enriched.schema,
      table: "enriched_touchpoints",
      row: enrichedRow,
      identity: enrichedIdentity,
      about: aboutCustomer("occurred_at"),
    },
    {
      topic: env.STAGE_CHANGES_TOPIC,
      schema: enricherContracts.stageChange.schema,
      table: "lifecycle_stage_changes",
      row: stageChangeRow,
      identity: stageChangeIdentity,
      about: aboutCustomer("changed_at"),
    },
    {
      topic: env.PROFILES_TOPIC,
      schema: enricherContracts.profile.schema,
      table: "customer_profiles",
      row: profileRow,
      about: aboutCustomer("updated_at"),
      tombstones: true,
    },
    {
      topic: env.OFFERS_TOPIC,
      schema: offerContracts.offer.schema,
      table: "offers",
      row: offerRow,
      about: aboutCustomer("decided_at"),
    },
    {
      topic: env.SUPPRESSED_TOPIC,
      schema: offerContracts.suppressed.schema,
      table: "suppressed_decisions",
      row: suppressedRow,
      about: aboutCustomer("decided_at"),
    },
    {
      topic: env.OFFER_OUTCOMES_TOPIC,
      schema: offerContracts.outcome.schema,
      table: "offer_outcomes",
      row: outcomeRow,
      about: aboutCustomer("answered_at"),
    },
    {
      topic: env.OFFER_DELIVERIES_TOPIC,
      schema: dispatcherContracts.delivery.schema,
      table: "offer_deliveries",
      row: deliveryRow,
      about: aboutCustomer("attempted_at"),
    },
  ];
}
