import { parseArgs } from "node:util";
import { createInMemoryTransport } from "@cx/memory-transport";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/memory-transport-cpu.ts [--rounds N]`: CPU per record through the embedded mode's
 * in-memory transport (sends of 500 records of 170 bytes keyed over 6 partitions, read by one group
 * that commits each batch, consumed records dropped as npm start runs it), 200,000 records a round.
 * npm start moves every record of every topic through it.
 */
const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const records = 200_000;
const value = Buffer.alloc(170, 1);
const sends = Array.from({ length: records / 500 }, () =>
  Array.from({ length: 500 }, (_, index) => ({ key: `customer-${index % 300}`, value })),
);

await reportCpuRounds(
  "microsecondsPerRecord",
  { rounds: Number(values.rounds), units: records },
  async () => {
    const transport = createInMemoryTransport({ dropConsumed: true });
    await transport.admin().createTopics({ topics: [{ topic: "bench", numPartitions: 6 }] });
    const producer = transport.producer();
    const consumer = transport.consumer({ groupId: "bench" });
    await consumer.subscribe({ topics: ["bench"], fromBeginning: true });
    let seen = 0;
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
        const next = String(Number(batch.lastOffset()) + 1);
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      },
    });
    for (const messages of sends) await producer.sendBatch({ topicMessages: [{ topic: "bench", messages }] });
    await transport.idle();
    await consumer.stop();
    if (seen !== records) throw new Error(`read ${seen} of ${records} records`);
  },
);
