import { createLogger } from "@cx/logging";
import { metrics, readiness } from "@cx/observability";
import { createFreshTopics, testKafkaEnv, uniqueName, waitFor } from "@cx/testing";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { startBatchConsumer } from "./batch-consumer";
import { DeadLetterPublisher } from "./dead-letters";
import { createKafka } from "./kafkajs/kafka-config";
import { kafkajsTransport } from "./kafkajs/kafkajs-transport";
import { createIdempotentProducer } from "./renewing-producer";

const logger = createLogger("consumer-observability-test", "error");
const textCodec = {
  decode: async (buffer: Buffer) => ({ ok: true, value: buffer.toString("utf8") }) as const,
};

/** The value of a series of a metric, by its labels; undefined when the series is absent. */
async function seriesValue(
  metric: { get(): Promise<{ values: { labels: object; value: number; metricName?: string }[] }> },
  labels: Record<string, string>,
  metricName?: string,
) {
  const { values } = await metric.get();
  return values.find(
    (entry) =>
      (metricName === undefined || entry.metricName === metricName) &&
      Object.entries(labels).every(
        ([name, value]) => (entry.labels as Record<string, unknown>)[name] === value,
      ),
  )?.value;
}

describe("a batch consumer on the operations endpoints", () => {
  it("reports readiness, lag per owned partition, records, batch time and dead letters from a real broker", async () => {
    const kafka = createKafka(testKafkaEnv(), logger);
    const { observed: topic, dlq: deadLetterTopic } = await createFreshTopics(kafka, { observed: 2, dlq: 1 });
    const stage = uniqueName("stage");
    const admin = kafka.admin();
    await admin.connect();
    const producer = await createIdempotentProducer(kafka);
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: "a" },
        { partition: 0, value: "" }, // empty: dead-lettered
        { partition: 0, value: "b" },
        { partition: 1, value: "c" },
        { partition: 1, value: "d" },
      ],
    });

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let batches = 0;
    const consumer = await startBatchConsumer<string>({
      kafka,
      groupId: uniqueName("group"),
      sources: [{ topic, codec: textCodec }],
      stage,
      deadLetters: new DeadLetterPublisher(producer, deadLetterTopic),
      logger,
      handleBatch: async () => {
        batches++;
        await gate;
      },
    });
    try {
      // Joined and holding its first batch: ready, and nothing is committed on either partition.
      await waitFor(
        async () => batches,
        (count) => count > 0,
        { what: "the first batch" },
      );
      expect(readiness.status()).toEqual({ ready: true });
      expect(await seriesValue(metrics.consumerLag, { stage, topic, partition: "0" })).toBe(3);
      expect(await seriesValue(metrics.consumerLag, { stage, topic, partition: "1" })).toBe(2);
      expect(await seriesValue(metrics.recordsConsumed, { stage, topic })).toBeUndefined();

      release();
      await waitFor(
        () => seriesValue(metrics.recordsConsumed, { stage, topic }),
        (count) => count === 5,
        { what: "all five records counted" },
      );
      expect(await seriesValue(metrics.consumerLag, { stage, topic, partition: "0" })).toBe(0);
      expect(await seriesValue(metrics.consumerLag, { stage, topic, partition: "1" })).toBe(0);
      expect(await seriesValue(metrics.deadLetters, { stage, reason: "empty_value" })).toBe(1);
      expect(
        await seriesValue(metrics.batchDuration, { stage, topic }, "cx_batch_duration_seconds_count"),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await consumer.stop();
    }
    // Stopped: no readiness check and no lag series of it are left behind.
    expect(readiness.status()).toEqual({ ready: true });
    expect(await seriesValue(metrics.consumerLag, { stage })).toBeUndefined();
    await producer.disconnect();
    await admin.disconnect();
  });

  it("is not ready while a consumer has not joined its group or a producer is connecting", async () => {
    // Nothing answers on port 1: neither ever gets there, and the checks say which and why.
    const unreachable = kafkajsTransport(
      new Kafka({
        brokers: ["127.0.0.1:1"],
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50 },
      }),
    );
    const stage = uniqueName("stranded");
    const producing = createIdempotentProducer(unreachable);
    const consuming = startBatchConsumer<string>({
      kafka: unreachable,
      groupId: uniqueName("group"),
      sources: [{ topic: uniqueName("nowhere"), codec: textCodec }],
      stage,
      deadLetters: new DeadLetterPublisher(unreachable.producer(), "unused"),
      logger,
      handleBatch: async () => undefined,
    });
    const settled = Promise.allSettled([producing, consuming]);
    const status = readiness.status();
    expect(status.ready).toBe(false);
    const reasons = status.ready ? {} : status.reasons;
    expect(reasons[`consumer ${stage}`]).toMatch(/^joining its consumer group/);
    expect(Object.entries(reasons)).toContainEqual([
      expect.stringMatching(/^producer idempotent/),
      "connecting",
    ]);
    expect((await settled).map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    // What could not start leaves nothing behind.
    expect(readiness.status()).toEqual({ ready: true });
  });
});
