import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CustomerEnricher } from "@cx/enrichment";
import { streamPeopleTouchpoints } from "@cx/workload";
import { benchModels } from "./enrichment-in-process";

export interface ProfileMemory {
  readonly profileBytesPerCustomer: number;
  readonly setup: Record<string, number | string>;
}

/**
 * Heap held per customer by the enricher's state (identity graph + profile + value distribution),
 * measured in a child process with a large heap and explicit GC, so the benchmark's own garbage does
 * not count. Each person shows up on the web, in store and on the phone with overlapping
 * identifiers: one stitched customer with 4–5 identifiers and 3 channels.
 */
export function measureProfileMemory(customers: number): ProfileMemory {
  const result = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      "--max-old-space-size=16384",
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      String(customers),
    ],
    { encoding: "utf8", maxBuffer: 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`profile memory run failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as ProfileMemory;
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

const canCollectGarbage = () => typeof (globalThis as { gc?: () => void }).gc === "function";

if (process.argv[1] === fileURLToPath(import.meta.url) && !canCollectGarbage()) {
  // Run by hand (npx tsx bench/profile-memory.ts N): without --expose-gc the heap would still hold
  // the run's garbage, so measure in the child that can collect it.
  console.log(JSON.stringify(measureProfileMemory(Number(process.argv[2]))));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const customers = Number(process.argv[2]);
  const touchpointsPerCustomer = 4;
  const before = heapAfterGc();
  const enricher = new CustomerEnricher({ models: benchModels });
  // Touchpoints are made and dropped one by one; only the enricher's state stays.
  for (const touchpoint of streamPeopleTouchpoints({
    people: customers,
    touchpoints: customers * touchpointsPerCustomer,
    days: 365,
    seed: 9,
  }))
    enricher.process(touchpoint);
  const held = heapAfterGc() - before;
  console.log(
    JSON.stringify({
      profileBytesPerCustomer: Math.round(held / enricher.customers),
      setup: {
        people: customers,
        customers: enricher.customers,
        touchpoints: customers * touchpointsPerCustomer,
        heapHeldMB: Math.round(held / 1024 / 1024),
        note: "heap after GC, enricher state only (identity graph, profiles, value distribution)",
      },
    } satisfies ProfileMemory),
  );
}
