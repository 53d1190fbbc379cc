import { setTimeout as sleep } from "node:timers/promises";
import { customerKey, newTouchpoint, noIdentifiers, type Touchpoint } from "@cx/contracts";
import { customerIdFor } from "@cx/identity";
import { createAvroCodec, createIdempotentProducer, type Message, readPartitionsToEnd } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { decisionIdFor } from "@cx/offers";
import { type OfferRecord, offerContracts, type SuppressedRecord } from "@cx/stage-records";
import type { RunningBenchPipeline } from "./bench-pipeline";

export interface DecisionLatency {
  readonly decisionLatencyMs: { p50: number; p95: number; p99: number };
  readonly setup: Record<string, number | string>;
}

/** The q-quantile (nearest rank) of sorted samples. */
export const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))] ?? 0;

/**
 * With the services running (and idle), purchases are written to the touchpoint topic at a fixed
 * rate, each by a different customer who opted in to e-mail a moment before (so a selling offer may
 * go out). Per purchase, the latency is its decision's record timestamp (CreateTime, set by the
 * offer service's transactional producer) minus the purchase's record timestamp (set at send):
 * through the identity stage's transaction, the profile stage and the offer service's transaction,
 * read committed at each step. Decisions are matched exactly: their id is derived from customer,
 * event and trigger. A decision that went out is timed by its offer; one refused by the contact
 * policy by its suppressed-decision record.
 */
export async function measureDecisionLatency(
  pipeline: RunningBenchPipeline,
  logger: Logger,
  { perSecond, seconds, tickMs = 20 }: { perSecond: number; seconds: number; tickMs?: number },
): Promise<DecisionLatency> {
  const run = Date.now().toString(36);
  const count = Math.round(perSecond * seconds);
  const cards = Array.from({ length: count }, (_, index) => `LAT-${run}-${index}`);
  const at = Date.now();
  const touchpoint = (eventId: string, card: string, fields: Partial<Touchpoint>): Touchpoint =>
    newTouchpoint({
      eventId,
      occurredAt: at,
      receivedAt: at,
      channel: "web",
      type: "visit",
      sourceSystem: "bench",
      identifiers: { ...noIdentifiers, loyaltyId: card },
      ...fields,
    });
  // The opt-ins first, all processed before the clock runs.
  await pipeline.publish(
    cards.map((card, index) =>
      touchpoint(`bench:consent:${run}:${index}`, card, {
        occurredAt: at - 60_000,
        receivedAt: at - 60_000,
        type: "consent_change",
        consent: { scope: "email", granted: true },
      }),
    ),
  );
  while ((await pipeline.lag()) > 0) await sleep(250);

  const codec = pipeline.touchpointCodec;
  const producer = await createIdempotentProducer(pipeline.kafka);
  const sent = new Map<string, { eventId: string; timestamp: number }>();
  const sends: Promise<unknown>[] = [];
  /** How long the broker took to acknowledge each send (the purchases' own transport time). */
  const acks: number[] = [];
  const phaseStarted = Date.now();
  let next = 0;
  while (next < count) {
    const due = Math.min(count, Math.floor(((Date.now() - phaseStarted) * perSecond) / 1000) + 1);
    const messages: Message[] = [];
    for (; next < due; next++) {
      const card = cards[next] as string;
      const now = Date.now();
      const purchase = touchpoint(`bench:purchase:${run}:${next}`, card, {
        occurredAt: now,
        receivedAt: now,
        channel: "store",
        type: "purchase",
        amount: { minor: 4999, currency: "EUR", discountMinor: 0, marginMinor: null },
      });
      const key = customerKey(purchase.identifiers);
      sent.set(customerIdFor(key), { eventId: purchase.eventId, timestamp: now });
      messages.push({ key, value: codec.encode(purchase), timestamp: String(now) });
    }
    if (messages.length > 0) {
      const sentAt = performance.now();
      sends.push(
        producer
          .send({ topic: pipeline.env.offers.TOUCHPOINTS_TOPIC, acks: -1, messages })
          .then(() => acks.push(performance.now() - sentAt)),
      );
    }
    await sleep(tickMs);
  }
  await Promise.all(sends);
  const produceSeconds = (Date.now() - phaseStarted) / 1000;
  await producer.disconnect();
  while ((await pipeline.lag()) > 0) await sleep(250);

  /** Per purchase (customer), the first decision record's timestamp on `topic` and whether it was an offer. */
  const decided = new Map<string, { latency: number; offered: boolean }>();
  const read = async <T extends { decisionId: string; customerId: string; trigger: string }>(
    topic: string,
    schema: object,
    offered: boolean,
  ) => {
    const decoder = await createAvroCodec<T>(pipeline.registry, topic, schema);
    const ends = await pipeline.admin.fetchTopicOffsets(topic);
    await readPartitionsToEnd(
      pipeline.kafka,
      topic,
      ends.map((end) => end.partition),
      async (message) => {
        const timestamp = Number(message.timestamp);
        if (timestamp < phaseStarted || message.value === null) return;
        const result = await decoder.decode(message.value);
        if (!result.ok) return;
        const { customerId, decisionId, trigger } = result.value;
        const purchase = sent.get(customerId);
        if (!purchase || decisionId !== decisionIdFor(customerId, purchase.eventId, trigger as never)) return;
        const known = decided.get(customerId);
        if (known?.offered) return;
        if (known && !offered && known.latency <= timestamp - purchase.timestamp) return;
        decided.set(customerId, { latency: timestamp - purchase.timestamp, offered });
      },
      logger,
    );
  };
  await read<OfferRecord>(pipeline.env.offers.OFFERS_TOPIC, offerContracts.offer.schema, true);
  await read<SuppressedRecord>(pipeline.env.offers.SUPPRESSED_TOPIC, offerContracts.suppressed.schema, false);
  // Where the time goes: when each purchase's record appeared on the stages' topics in between
  // (keyed by customer id after the identity stage; the first record per customer since the clock ran).
  const hop = async (topic: string) => {
    const seen = new Map<string, number>();
    const ends = await pipeline.admin.fetchTopicOffsets(topic);
    await readPartitionsToEnd(
      pipeline.kafka,
      topic,
      ends.map((end) => end.partition),
      (message) => {
        const timestamp = Number(message.timestamp);
        const key = String(message.key);
        if (timestamp >= phaseStarted && sent.has(key) && !seen.has(key)) seen.set(key, timestamp);
      },
      logger,
    );
    return seen;
  };
  const identified = await hop(pipeline.env.offers.IDENTIFIED_TOPIC);
  const enriched = await hop(pipeline.env.offers.ENRICHED_TOPIC);
  const hopQuantile = (
    q: number,
    from: (id: string) => number | undefined,
    to: (id: string) => number | undefined,
  ) => {
    const spans: number[] = [];
    for (const id of decided.keys()) {
      const [start, end] = [from(id), to(id)];
      if (start !== undefined && end !== undefined) spans.push(end - start);
    }
    return quantile(
      spans.sort((a, b) => a - b),
      q,
    );
  };
  const purchaseAt = (id: string) => sent.get(id)?.timestamp;
  const decidedAt = (id: string) => {
    const entry = decided.get(id);
    const start = purchaseAt(id);
    return entry && start !== undefined ? start + entry.latency : undefined;
  };
  const breakdown = (q: number) =>
    [
      `identity ${hopQuantile(q, purchaseAt, (id) => identified.get(id))}`,
      `profile ${hopQuantile(
        q,
        (id) => identified.get(id),
        (id) => enriched.get(id),
      )}`,
      `offers ${hopQuantile(q, (id) => enriched.get(id), decidedAt)}`,
    ].join(", ");
  const latencies = [...decided.values()].map((entry) => entry.latency).sort((a, b) => a - b);
  const offers = [...decided.values()].filter((entry) => entry.offered).length;
  return {
    decisionLatencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
    },
    setup: {
      rate: `${perSecond} purchases/s for ${seconds} s (achieved ${(count / produceSeconds).toFixed(0)}/s)`,
      purchases: count,
      sends: `every ${tickMs} ms (idempotent, acks=all); ack p50 ${quantile(
        acks.sort((a, b) => a - b),
        0.5,
      ).toFixed(0)} ms, p99 ${quantile(acks, 0.99).toFixed(0)} ms`,
      decisionsTimed: latencies.length,
      timedByOffer: offers,
      timedBySuppression: latencies.length - offers,
      noDecision: count - latencies.length,
      customers: `${count}, each opted in to e-mail before the clock runs, one purchase each`,
      p50PerStageMs: `${breakdown(0.5)} (record timestamp on the stage's output topic minus its input's)`,
      p99PerStageMs: breakdown(0.99),
      measured: "offer record timestamp − touchpoint record timestamp (both CreateTime, one clock)",
      partitions: pipeline.partitions,
      background: "services idle otherwise, after the end-to-end run (state of its customers held)",
    },
  };
}
