import type { Touchpoint } from "@cx/contracts";
import { createWriterSchemaDecoder, type SchemaRegistryClient, type Transport } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { OfferToAnswer, Workload } from "@cx/workload";
import type { TouchpointPublisher } from "./touchpoint-publisher";

export interface OfferAnswererOptions {
  readonly kafka: Transport;
  readonly registry: SchemaRegistryClient;
  readonly offersTopic: string;
  readonly groupId: string;
  readonly workload: Workload;
  readonly publisher: TouchpointPublisher;
  readonly logger: Logger;
  /** The wall clock: answers due later than now wait until then (the pipeline refuses the future). */
  readonly now?: () => number;
}

export interface OfferAnswerer {
  /**
   * Offers read; answers published; answers still waiting for their time; offers for customers the
   * workload does not know (an offer the person never answers has no answer).
   */
  readonly counts: () => {
    readonly offers: number;
    readonly answers: number;
    readonly waiting: number;
    readonly unknown: number;
  };
  /** Milliseconds since the last offer arrived (since the start when none has). */
  readonly idleMs: () => number;
  /** Publishes the waiting answers that are due by now (a simulated clock moves in jumps). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Plays marketing automation and the customers behind it: reads the pipeline's offers (read
 * committed), asks the workload how the person answers each one, and publishes the answer as an
 * `offer_response` touchpoint, so the offer service's learner and the profiles see real outcomes.
 * The answer's event id is derived from the decision id, so a redelivered offer gives the same
 * touchpoint, which the pipeline counts once. When the workload replays past days, an answer can
 * fall after the wall clock (a letter answered three days later): it waits until its time comes.
 */
export async function startOfferAnswerer(options: OfferAnswererOptions): Promise<OfferAnswerer> {
  const { workload, publisher, logger } = options;
  const consumer = options.kafka.consumer({ groupId: options.groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [options.offersTopic], fromBeginning: true });
  const decode = createWriterSchemaDecoder(options.registry);
  let offers = 0;
  let answers = 0;
  let unknown = 0;
  const now = options.now ?? Date.now;
  let lastOfferAt = now();
  let waiting: Touchpoint[] = [];
  const publishDue = async (candidates: Touchpoint[]) => {
    const at = now();
    const due = candidates.filter((answer) => answer.occurredAt <= at);
    waiting = [...waiting, ...candidates.filter((answer) => answer.occurredAt > at)];
    answers += await publisher.publish(due.sort((left, right) => left.occurredAt - right.occurredAt));
  };
  let flushing = Promise.resolve();
  const flushWaiting = () => {
    const held = waiting;
    waiting = [];
    flushing = flushing
      .then(() => publishDue(held))
      .catch((error: unknown) => logger.error({ err: error }, "publishing waiting answers failed"));
    return flushing;
  };
  const timer = setInterval(() => {
    if (waiting.length > 0) void flushWaiting();
  }, 1000);
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const replies = [];
      for (const message of batch.messages) {
        if (!message.value) continue;
        const offer = (await decode(message.value)) as OfferToAnswer;
        offers++;
        lastOfferAt = now();
        if (workload.personOf(offer.customerId) === undefined) {
          unknown++;
          continue;
        }
        const answer = workload.respondToOffer({
          ...offer,
          decidedAt: Number(offer.decidedAt),
          expiresAt: Number(offer.expiresAt),
        });
        if (answer !== null) replies.push(answer);
      }
      await publishDue(replies);
      logger.debug({ offers: batch.messages.length, answers: replies.length }, "answered offers");
    },
  });
  return {
    counts: () => ({ offers, answers, waiting: waiting.length, unknown }),
    idleMs: () => now() - lastOfferAt,
    flush: flushWaiting,
    async stop() {
      clearInterval(timer);
      await consumer.disconnect();
      await flushing;
    },
  };
}
