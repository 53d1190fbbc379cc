/**
 * Touchpoints per second through the enricher (identity + profile) and the offer service, their
 * own code, on the in-process transport and registry:
 *   npx tsx packages/in-process-kafka/src/pipeline-throughput.ts [touchpoints] [customers]
 * The touchpoints are published first, then the stages start and read them to the end.
 */
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { createTouchpointPublisher, sampleTouchpoints, startOfTodayUtc } from "@cx/generator";
import { consumerLag } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { offersEnvSchema, startOffersService } from "@cx/offers-service";
import { createInProcessKafka, createInProcessSchemaRegistry } from "./index";

const count = Number(process.argv[2] ?? 50_000);
const customers = Number(process.argv[3] ?? Math.ceil(count / 10));
const logger = createLogger("in-process-pipeline-throughput", "warn");
const variables = { KAFKA_PARTITIONS: "6", OFFERS_TICK_MS: "0" };
const enricherEnv = enricherEnvSchema.parse(variables);
const offersEnv = offersEnvSchema.parse(variables);
const kafka = createInProcessKafka();
const registry = createInProcessSchemaRegistry();

const touchpoints = sampleTouchpoints({ count, seed: 7, endAt: startOfTodayUtc(), customers });
const publisher = await createTouchpointPublisher(kafka, registry, offersEnv);
const publishStarted = performance.now();
await publisher.publish(touchpoints);
await publisher.close();
const publishSeconds = (performance.now() - publishStarted) / 1000;

const started = performance.now();
const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
const offers = await startOffersService({ kafka, registry, logger, env: offersEnv });
const admin = kafka.admin();
const groups = [
  [enricherEnv.ENRICHER_IDENTITY_GROUP_ID, offersEnv.TOUCHPOINTS_TOPIC],
  [enricherEnv.ENRICHER_PROFILE_GROUP_ID, offersEnv.IDENTIFIED_TOPIC],
  [offersEnv.OFFERS_GROUP_ID, offersEnv.ENRICHED_TOPIC],
] as const;
const lag = async () =>
  (await Promise.all(groups.map(([groupId, topic]) => consumerLag(admin, groupId, topic)))).reduce(
    (a, b) => a + b,
    0,
  );
const enrichedCount = async () =>
  (await admin.fetchTopicOffsets(offersEnv.ENRICHED_TOPIC)).reduce((sum, end) => sum + Number(end.high), 0);
while ((await enrichedCount()) < count || (await lag()) > 0)
  await new Promise((resolve) => setTimeout(resolve, 10));
const seconds = (performance.now() - started) / 1000;
const offered = (await admin.fetchTopicOffsets(offersEnv.OFFERS_TOPIC)).reduce(
  (sum, end) => sum + Number(end.high),
  0,
);
await offers.stop();
await enricher.stop();
console.log(
  `${count} touchpoints (${customers} customers): published in ${publishSeconds.toFixed(1)} s ` +
    `(${Math.round(count / publishSeconds)}/s); identity + profile + offers in ${seconds.toFixed(1)} s ` +
    `(${Math.round(count / seconds)} touchpoints/s, start-up included), ${offered} offers`,
);
