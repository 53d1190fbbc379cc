import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { runService } from "@cx/runtime";
import { generatorEnv, generatorEnvSchema } from "./config";
import { createTouchpointPublisher } from "./touchpoint-publisher";
import { workloadTouchpoints } from "./workload-touchpoints";

await runService("generator", async (logger) => {
  const env = loadConfig(generatorEnvSchema, generatorEnv(process.argv.slice(2)));
  const publisher = await createTouchpointPublisher(
    createKafka(env, logger),
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env,
  );
  const { workload, touchpoints } = workloadTouchpoints({
    seed: env.GENERATOR_SEED,
    customers: env.GENERATOR_CUSTOMERS,
    days: env.GENERATOR_DAYS,
    ...(env.GENERATOR_EVENTS === undefined ? {} : { limit: env.GENERATOR_EVENTS }),
    ...(env.IDENTIFIER_HASH_KEY === undefined ? {} : { hashKey: env.IDENTIFIER_HASH_KEY }),
  });
  const started = Date.now();
  const done = publisher.publish(touchpoints).then((events) => {
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
  });
  return { done, stop: () => publisher.close() };
});
