import {
  createAvroCodec,
  createIdempotentProducer,
  type SchemaRegistryClient,
  type Transport,
} from "@cx/kafka";
import { type OfferRecord, offerContracts } from "@cx/stage-records";

/** A decision as the offer service writes it to cx.offers. */
export function offerRecord(decisionId: string, channel: string, expiresInMs = 86_400_000): OfferRecord {
  const decidedAt = Date.now();
  return {
    decisionId,
    customerId: `c-${decisionId}`,
    offerId: "cable-care-guide",
    kind: "education",
    title: "How to care for your cable",
    channel,
    trigger: "purchase",
    decidedAt,
    expiresAt: decidedAt + expiresInMs,
    catalogVersion: "test",
    explanation: {
      propensity: 0.2,
      contextWeight: 1,
      value: 10,
      lever: 1,
      priority: 2,
      context: "active|middle|email",
      alternatives: [],
    },
  };
}

/** Publishes decisions to the offers topic, keyed by customer as the offer service does. */
export async function publishOffers(
  kafka: Transport,
  registry: SchemaRegistryClient,
  topic: string,
  offers: OfferRecord[],
) {
  const codec = await createAvroCodec<OfferRecord>(registry, topic, offerContracts.offer.schema);
  const producer = await createIdempotentProducer(kafka);
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: await Promise.all(
        offers.map(async (offer) => ({ key: offer.customerId, value: codec.encode(offer) })),
      ),
    });
  } finally {
    await producer.disconnect();
  }
}
