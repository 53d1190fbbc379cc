import { loadConfig } from "@cx/config";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { runService } from "@cx/runtime";
import { generatorEnvSchema } from "./config";
import { sampleTouchpoints, startOfTodayUtc } from "./sample-touchpoints";
import { createTouchpointPublisher } from "./touchpoint-publisher";

await runService("generator", async (logger) => {
  const env = loadConfig(generatorEnvSchema);
  const publisher = await createTouchpointPublisher(
    createKafka(env, logger),
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env,
  );
  const touchpoints = sampleTouchpoints({
    count: env.GENERATOR_EVENTS,
    seed: env.GENERATOR_SEED,
    endAt: startOfTodayUtc(),
  });
  const done = publisher.publish(touchpoints).then(() => {
    logger.info({ events: touchpoints.length, topic: env.TOUCHPOINTS_TOPIC }, "published");
  });
  return { done, stop: () => publisher.close() };
});
