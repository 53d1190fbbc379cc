/**
 * Measures how fast the workload streams touchpoints in-process (no I/O besides printing):
 *   npx tsx packages/workload/src/measure-rate.ts [customers=50000] [days=120]
 */
import { createWorkload } from "./workload";

const customers = Number(process.argv[2] ?? 50_000);
const days = Number(process.argv[3] ?? 120);
const started = performance.now();
const workload = createWorkload({ seed: 1, customers, days });
let count = 0;
for (const _ of workload.touchpoints()) count++;
const seconds = (performance.now() - started) / 1000;
const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
console.log(
  `${count.toLocaleString("en")} touchpoints from ${workload.persons.length.toLocaleString("en")} persons over ${days} days in ${seconds.toFixed(2)} s: ${Math.round(count / seconds).toLocaleString("en")} touchpoints/s (heap ${heapMb} MB)`,
);
