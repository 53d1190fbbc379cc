import { type AvroCodec, encodeRecords, type Message, type StageWrites } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { LearnerState, OfferOutcomeRecord } from "@cx/offers";
import {
  customerStateRecord,
  decisionRecords,
  type OfferRecord,
  type OfferStateRecord,
  outcomeRecord,
  type SuppressedRecord,
} from "@cx/stage-records";
import type { OffersEnv } from "./config";
import { countDecisions, decisionLog } from "./decision-metrics";
import type { PartitionOffers, PartitionOutputs } from "./partition-offers";

/**
 * Changelog keys of a partition's learner (customers are keyed by their id): one record per cell
 * (`learner.<partition>.<cell>`), written when the cell learns; releases before held the whole
 * learner in one record under `learner.<partition>`, which a restore still reads first.
 */
export const learnerKey = (partition: number) => `learner.${partition}`;
export const learnerCellKey = (partition: number, cell: string) => `${learnerKey(partition)}.${cell}`;

export interface OfferWriteOptions {
  readonly codecs: {
    readonly offer: Pick<AvroCodec<OfferRecord>, "encode">;
    readonly suppressed: Pick<AvroCodec<SuppressedRecord>, "encode">;
    readonly outcome: Pick<AvroCodec<OfferOutcomeRecord>, "encode">;
    readonly state: Pick<AvroCodec<OfferStateRecord>, "encode">;
  };
  readonly env: Pick<
    OffersEnv,
    "OFFERS_TOPIC" | "SUPPRESSED_TOPIC" | "OFFER_OUTCOMES_TOPIC" | "OFFER_STATE_TOPIC"
  >;
  readonly catalogVersion: string;
  readonly log: Logger;
}

/**
 * What a partition's state produced (decisions, outcomes) and its changes, as the offers stage
 * writes them in the partition's transaction; decisions are counted once written.
 */
export function offerWrites({ codecs, env, catalogVersion, log }: OfferWriteOptions) {
  return async (partition: number, offers: PartitionOffers, out: PartitionOutputs): Promise<StageWrites> => {
    const decided = out.decisions.map((decision) => decisionRecords(decision, catalogVersion));
    const changes = offers.takeChanges();
    const changelog: Message[] = [
      ...encodeRecords(
        codecs.state,
        changes.customers.map(([customerId, customer]) => ({
          key: customerId,
          value: customer && customerStateRecord(customer),
        })),
      ),
      ...encodeRecords(
        codecs.state,
        Object.entries(changes.learnerCells).map(([cell, counts]) => ({
          key: learnerCellKey(partition, cell),
          value: { customer: null, learner: { [cell]: counts } },
        })),
      ),
    ].map((message) => ({ ...message, partition }));
    const offered = decided.flatMap((entry) => entry.offers);
    const suppressed = decided.flatMap((entry) => entry.suppressed);
    return {
      outputs: [
        { topic: env.OFFERS_TOPIC, messages: encodeRecords(codecs.offer, offered) },
        { topic: env.SUPPRESSED_TOPIC, messages: encodeRecords(codecs.suppressed, suppressed) },
        {
          topic: env.OFFER_OUTCOMES_TOPIC,
          messages: encodeRecords(codecs.outcome, out.outcomes.map(outcomeRecord)),
        },
      ],
      changelog: [{ topic: env.OFFER_STATE_TOPIC, messages: changelog }],
      onWritten() {
        countDecisions(out.decisions);
        if (offered.length + suppressed.length + out.outcomes.length > 0)
          log.debug(
            {
              partition,
              offered: offered.length,
              suppressed: suppressed.length,
              outcomes: out.outcomes.length,
              decisions: decisionLog(out.decisions),
            },
            "offers published",
          );
      },
    };
  };
}

/** A partition's learner from its changelog records: an older release's whole learner, then each cell's latest. */
export function restoredLearner(
  latest: ReadonlyMap<string, OfferStateRecord | null>,
  partition: number,
): LearnerState {
  const cellPrefix = `${learnerKey(partition)}.`;
  // A loop, not a spread into Object.assign: a learner may hold more cells than a call takes arguments.
  const learner: LearnerState = { ...latest.get(learnerKey(partition))?.learner };
  for (const [key, record] of latest)
    if (key.startsWith(cellPrefix) && record?.learner) Object.assign(learner, record.learner);
  return learner;
}
