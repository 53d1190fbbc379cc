import { parseArgs } from "node:util";
import { createIdempotentProducer, createKafka, kafkaEnvSchema } from "@cx/kafka";
import { acquireServers } from "@cx/local-servers";
import { createLogger } from "@cx/logging";

/**
 * `npx tsx bench/produce-cpu.ts [--sends N]`: the Kafka client's CPU per record produced, as the
 * stages produce (one idempotent producer, acks=all, sends of 3,000 records of 170 bytes keyed over
 * 6 partitions, about 512 KB each), after 10 sends of warm-up; one JSON line. For judging changes to
 * the client (patches/) by CPU time, which moves far less between runs than the pipeline's rates.
 */
const { values } = parseArgs({ options: { sends: { type: "string", default: "100" } } });
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
  const send = async (sends: number) => {
    for (let sent = 0; sent < sends; sent++) await producer.send({ topic, acks: -1, messages });
  };
  await send(10);
  const sends = Number(values.sends);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await send(sends);
  const cpu = process.cpuUsage(cpuBefore);
  const records = sends * messages.length;
  console.log(
    JSON.stringify({
      records,
      wallMs: Math.round(performance.now() - started),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      cpuMicrosPerRecord: Number(((cpu.user + cpu.system) / records).toFixed(2)),
    }),
  );
  await producer.disconnect();
} finally {
  await servers.stop();
}
