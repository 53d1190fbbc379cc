import { customerKey, type Touchpoint } from "@cx/contracts";
import {
  createGroupSender,
  createIdempotentProducer,
  type DeadLetter,
  DeadLetterPublisher,
  type Producer,
  type SchemaRegistryClient,
  type Transport,
} from "@cx/kafka";
import { withTimeout } from "@cx/observability";
import type { OfferResponseRecord } from "@cx/offers";
import { ensurePipelineTopics, pipelineTopics, topicCodec } from "@cx/topics";
import type { GatewayEnv } from "./config";

/** Kafka did not acknowledge in time; the request must be answered 503 and retried by the client. */
export class BrokerUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Kafka did not acknowledge the write: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = "BrokerUnavailableError";
  }
}

/** Where accepted and rejected events go; all resolve only once Kafka has acknowledged (acks=all). */
export interface TouchpointWriter {
  write(touchpoints: readonly Touchpoint[]): Promise<void>;
  /** Reported offer outcomes, keyed by the customer their decision names. */
  writeOfferResponses(responses: readonly OfferResponseRecord[]): Promise<void>;
  deadLetter(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

async function withinDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  try {
    return await withTimeout(work, timeoutMs, "the broker's acknowledgement");
  } catch (error) {
    throw new BrokerUnavailableError(error);
  }
}

export async function createKafkaTouchpointWriter(
  kafka: Transport,
  registry: SchemaRegistryClient,
  env: GatewayEnv,
): Promise<TouchpointWriter> {
  await ensurePipelineTopics(kafka, env);
  const codec = await topicCodec(registry, env, pipelineTopics.touchpoints);
  const responseCodec = await topicCodec(registry, env, pipelineTopics.offerResponses);
  const producer: Producer = await createIdempotentProducer(kafka);
  const deadLetters = new DeadLetterPublisher(producer, env.DEAD_LETTER_TOPIC);
  const timeoutMs = env.GATEWAY_KAFKA_TIMEOUT_MS;
  const sendTouchpoints = createGroupSender((messages) =>
    producer.send({ topic: env.TOUCHPOINTS_TOPIC, acks: -1, messages }).then(() => undefined),
  );
  return {
    async write(touchpoints) {
      if (touchpoints.length === 0) return;
      const messages = await Promise.all(
        touchpoints.map(async (touchpoint) => ({
          key: customerKey(touchpoint.identifiers),
          value: codec.encode(touchpoint),
        })),
      );
      await withinDeadline(sendTouchpoints(messages), timeoutMs);
    },
    async writeOfferResponses(responses) {
      if (responses.length === 0) return;
      const messages = await Promise.all(
        responses.map(async (response) => ({
          key: response.customerId,
          value: responseCodec.encode(response),
        })),
      );
      await withinDeadline(
        producer.send({ topic: env.OFFER_RESPONSES_TOPIC, acks: -1, messages }).then(() => undefined),
        timeoutMs,
      );
    },
    deadLetter: (letters) => withinDeadline(deadLetters.publish(letters), timeoutMs),
    close: () => producer.disconnect(),
  };
}
