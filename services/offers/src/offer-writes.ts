import { type AvroCodec, encodeRecords, type Message, type StageWrites } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { OfferOutcomeRecord } from "@cx/offers";
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

/** The changelog key of a partition's learner (customers are keyed by their id). */
export const learnerKey = (partition: number) => `learner.${partition}`;

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
      ...(changes.learner
        ? encodeRecords(codecs.state, [
            { key: learnerKey(partition), value: { customer: null, learner: changes.learner } },
          ])
        : []),
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
