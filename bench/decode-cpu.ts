import { parseArgs } from "node:util";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import { createAvroCodec } from "@cx/kafka";
import { createInMemorySchemaRegistry } from "@cx/memory-transport";
import { peopleTouchpoints } from "@cx/workload";

/**
 * `npx tsx bench/decode-cpu.ts [--rounds N]`: CPU per touchpoint record decoded by a stage's codec
 * (wire header, the bounds walk over the writer's schema, avsc's decode), over 20,000 realistic
 * touchpoints; the median of N rounds after two of warm-up, as one JSON line. Every stage decodes
 * every record it reads this way (six reads a touchpoint end to end), so a change to the codec is
 * judged by this rather than by the pipeline's rates, which move far more between runs.
 */
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const codec = await createAvroCodec<Touchpoint>(
  createInMemorySchemaRegistry(),
  "bench.decode",
  touchpointContract.schema,
);
const records = peopleTouchpoints({
  people: 4_000,
  touchpoints: 20_000,
  days: 365,
  seed: 3,
  startAt: Date.UTC(2026, 0, 1),
}).map((touchpoint) => codec.encode(touchpoint));
// The first record of a schema fetches the writer's schema; every later one decodes synchronously.
await codec.decode(records[0] as Buffer);
const round = () => {
  const started = process.cpuUsage();
  for (let pass = 0; pass < 10; pass++)
    for (const record of records) {
      const result = codec.decode(record);
      if (result instanceof Promise || !result.ok) throw new Error("a bench record did not decode");
    }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / (records.length * 10);
};
round();
round();
const microseconds = Array.from({ length: Number(values.rounds) }, round).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    decodeMicrosecondsPerRecord: Number((microseconds[microseconds.length >> 1] as number).toFixed(3)),
    rounds: microseconds.map((value) => Number(value.toFixed(3))),
    records: records.length,
    averageRecordBytes: Math.round(records.reduce((sum, record) => sum + record.length, 0) / records.length),
  }),
);
