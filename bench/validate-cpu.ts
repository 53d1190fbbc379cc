import { parseArgs } from "node:util";
import { type Touchpoint, touchpointContract, touchpointSchema, validateTouchpoint } from "@cx/contracts";
import { createAvroCodec } from "@cx/kafka";
import { createInMemorySchemaRegistry } from "@cx/memory-transport";
import { peopleTouchpoints } from "@cx/workload";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/validate-cpu.ts [--rounds N]`: CPU per touchpoint validated as the identity stage
 * and the sink validate each one they read (`validateTouchpoint`: the schema as `z.compile` made
 * it, and the time rules), and, for comparison, through zod's runtime parser alone (the same schema
 * uncompiled, without the time rules), over 20,000 realistic touchpoints as Avro decodes them, five
 * times a round.
 */
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const codec = await createAvroCodec<Touchpoint>(
  createInMemorySchemaRegistry(),
  "bench.validate",
  touchpointContract.schema,
);
const now = Date.UTC(2027, 0, 1);
const generated = peopleTouchpoints({
  people: 4_000,
  touchpoints: 20_000,
  days: 365,
  seed: 3,
  startAt: Date.UTC(2026, 0, 1),
});
// The first record of a schema fetches the writer's schema; every later one decodes synchronously.
await codec.decode(codec.encode(generated[0] as Touchpoint));
const touchpoints = generated.map((touchpoint) => {
  const decoded = codec.decode(codec.encode(touchpoint));
  if (decoded instanceof Promise || !decoded.ok) throw new Error("a bench record did not decode");
  return decoded.value;
});
const passes = 5;
for (const [figure, verdict] of [
  [
    "validateMicrosecondsPerTouchpoint",
    (touchpoint: unknown) => validateTouchpoint(touchpoint, now) === undefined,
  ],
  [
    "runtimeParserMicrosecondsPerTouchpoint",
    (touchpoint: unknown) => touchpointSchema.safeParse(touchpoint).success,
  ],
] as const)
  await reportCpuRounds(
    figure,
    { rounds: Number(values.rounds), warmUps: 2, units: touchpoints.length * passes },
    () => {
      for (let pass = 0; pass < passes; pass++)
        for (const touchpoint of touchpoints)
          if (!verdict(touchpoint)) throw new Error("a bench touchpoint was refused");
    },
    { touchpoints: touchpoints.length },
  );
