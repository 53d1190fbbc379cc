// How this service is wired to its environment; main.ts loads it once the stop signals are held.
import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { runService } from "@cx/runtime";
import { workloadTouchpoints } from "@cx/workload";
import { createTouchpointPublisher, type OfferAnswerer, startOfferAnswerer } from "@cx/workload-publisher";
import { generatorEnv, generatorEnvSchema } from "./config";

await runService("generator", async (logger) => {
  const env = loadConfig(generatorEnvSchema, generatorEnv(process.argv.slice(2)));
  const kafka = createKafka(env, logger);
  const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
  const publisher = await createTouchpointPublisher(kafka, registry, env);
  const { workload, touchpoints } = workloadTouchpoints({
    seed: env.GENERATOR_SEED,
    customers: env.GENERATOR_CUSTOMERS,
    days: env.GENERATOR_DAYS,
    ...(env.GENERATOR_EVENTS === undefined ? {} : { limit: env.GENERATOR_EVENTS }),
    ...(env.IDENTIFIER_HASH_KEY === undefined ? {} : { hashKey: env.IDENTIFIER_HASH_KEY }),
  });
  const answerer: OfferAnswerer | undefined = env.GENERATOR_ANSWER_OFFERS
    ? await startOfferAnswerer({
        kafka,
        registry,
        offersTopic: env.OFFERS_TOPIC,
        groupId: env.GENERATOR_ANSWER_GROUP_ID,
        workload,
        publisher,
        logger,
      })
    : undefined;
  let stopped = false;
  const started = Date.now();
  const done = (async () => {
    const events = await publisher.publish(touchpoints);
    logger.info(
      {
        events,
        persons: workload.persons.length,
        from: new Date(workload.startAt).toISOString(),
        to: new Date(workload.endAt).toISOString(),
        seconds: (Date.now() - started) / 1000,
        topic: env.TOUCHPOINTS_TOPIC,
      },
      "published",
    );
    if (answerer === undefined) return;
    const idleMs = env.GENERATOR_ANSWER_IDLE_SECONDS * 1000;
    while (!stopped && answerer.idleMs() < idleMs) await sleep(1000);
    logger.info({ ...answerer.counts(), topic: env.OFFERS_TOPIC }, "answered offers");
  })();
  return {
    done,
    stop: async () => {
      stopped = true;
      await answerer?.stop();
      await publisher.close();
    },
  };
});
