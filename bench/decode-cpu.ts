import { parseArgs } from "node:util";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import { createAvroCodec } from "@cx/kafka";
import { createInMemorySchemaRegistry } from "@cx/memory-transport";
import { peopleTouchpoints } from "@cx/workload";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/decode-cpu.ts [--rounds N]`: CPU per touchpoint record decoded by a stage's codec
 * (wire header, the bounds walk over the writer's schema, avsc's decode), over 20,000 realistic
 * touchpoints decoded ten times a round. Every stage decodes every record it reads this way (six
 * reads a touchpoint end to end).
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
await reportCpuRounds(
  "decodeMicrosecondsPerRecord",
  { rounds: Number(values.rounds), warmUps: 2, units: records.length * 10 },
  () => {
    for (let pass = 0; pass < 10; pass++)
      for (const record of records) {
        const result = codec.decode(record);
        if (result instanceof Promise || !result.ok) throw new Error("a bench record did not decode");
      }
  },
  {
    records: records.length,
    averageRecordBytes: Math.round(records.reduce((sum, record) => sum + record.length, 0) / records.length),
  },
);
