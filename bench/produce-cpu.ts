import { parseArgs } from "node:util";
import { createIdempotentProducer, createKafka, kafkaEnvSchema } from "@cx/kafka";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/produce-cpu.ts [--sends N] [--rounds N]`: the Kafka client's CPU per record
 * produced, as the stages produce (one idempotent producer, acks=all, sends of 3,000 records of 170
 * bytes keyed over 6 partitions, about 512 KB each): N rounds of `--sends` sends (5 of 20 by
 * default) after a round of warm-up. For judging changes to the client (patches/).
 */
const { values } = parseArgs({
  options: { sends: { type: "string", default: "20" }, rounds: { type: "string", default: "5" } },
});
const logger = createLogger("bench", process.env.LOG_LEVEL ?? "warn");
const servers = await acquireServers(process.env, logger);
try {
  const env = kafkaEnvSchema.parse({ KAFKA_BROKERS: servers.kafkaBrokers, KAFKA_CLIENT_ID: "bench.produce" });
  const kafka = createKafka(env, logger);
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench.produce.${Date.now().toString(36)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
  await admin.disconnect();
  const producer = await createIdempotentProducer(kafka);
  const value = Buffer.alloc(170, 1);
  const messages = Array.from({ length: 3_000 }, (_, index) => ({ key: `customer-${index % 500}`, value }));
  const sends = Number(values.sends);
  await reportCpuRounds(
    "cpuMicrosPerRecord",
    { rounds: Number(values.rounds), warmUps: 1, units: sends * messages.length },
    async () => {
      for (let sent = 0; sent < sends; sent++) await producer.send({ topic, acks: -1, messages });
    },
    { recordsPerRound: sends * messages.length },
  );
  await producer.disconnect();
} finally {
  await servers.stop();
}
