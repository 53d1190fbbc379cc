import { parseArgs } from "node:util";
import { jsonCompactLines } from "@cx/clickhouse";
import { touchpointRow } from "@cx/sink";
import { peopleTouchpoints } from "@cx/workload";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/sink-row-cpu.ts [--rounds N]`: CPU per touchpoint for the sink's share of an
 * insert on the main thread: the touchpoint's row (`touchpointRow`) and its line of the
 * `JSONCompactEachRow` bytes the embedded engine is handed (`jsonCompactLines`), over 20,000
 * realistic touchpoints a round.
 */
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const touchpoints = peopleTouchpoints({
  people: 4_000,
  touchpoints: 20_000,
  days: 365,
  seed: 3,
  startAt: Date.UTC(2026, 0, 1),
});
const source = { cluster: "bench-cluster", partition: 1, offset: "12345" };
const ingestedAt = "2026-12-03T00:00:00.000Z";
const encode = () =>
  jsonCompactLines(touchpoints.map((touchpoint) => touchpointRow(touchpoint, source, ingestedAt))).values;
await reportCpuRounds(
  "rowAndLineMicrosecondsPerTouchpoint",
  { rounds: Number(values.rounds), warmUps: 2, units: touchpoints.length },
  () => {
    encode();
  },
  { touchpoints: touchpoints.length, averageLineBytes: Math.round(encode().length / touchpoints.length) },
);
