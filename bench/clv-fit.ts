import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulatePurchaseLog } from "@cx/customer-value";

// CDNOW-style: the parameters Fader, Hardie & Lee (2005) fitted to CDNOW's 1997 cohort, first
// purchases in the first 12 weeks of 1997, purchases drawn for 78 weeks (to mid-1998), dates as days.
// 2,357 customers give about 6,700 purchases, as CDNOW's 2,357 gave 6,919.
const cdnowStyle = {
  seed: 1,
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
  startAt: Date.UTC(1997, 0, 1),
  firstPurchaseWithinWeeks: 12,
  untilWeek: 78,
  dates: "days",
} as const;
const calibrationEnd = "1998-06-30";

/** Writes the seeded log to `path`, a chunk of lines at a time; returns how many purchases it holds. */
async function writePurchaseLog(path: string, customers: number): Promise<number> {
  const file = createWriteStream(path);
  let lines = 0;
  let chunk: string[] = [];
  const flush = async () => {
    if (!file.write(`${chunk.join("\n")}\n`))
      await new Promise<void>((resolve) => file.once("drain", () => resolve()));
    chunk = [];
  };
  for (const line of simulatePurchaseLog({ customers, ...cdnowStyle })) {
    chunk.push(line);
    lines++;
    if (chunk.length === 10_000) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) =>
    file.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return lines - 1;
}

/**
 * `npx cx clv fit` on a seeded CDNOW-style log of `customers` customers, timed as a whole process
 * (start-up, reading and summarising the file, both fits), as a user runs it.
 */
export async function measureClvFit({ customers }: { customers: number }) {
  const dir = mkdtempSync(join(tmpdir(), "cx-bench-clv-"));
  try {
    const input = join(dir, "purchases.csv");
    const purchases = await writePurchaseLog(input, customers);
    const started = performance.now();
    const run = spawnSync(
      "npx",
      ["cx", "clv", "fit", "--input", input, "--calibration-end", calibrationEnd],
      {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`cx clv fit failed (exit ${run.status}): ${run.stderr}`);
    const fitted = JSON.parse(run.stdout) as { customers: number; bgnbd: object; gammaGamma: object };
    if (fitted.customers !== customers)
      throw new Error(`cx clv fit read ${fitted.customers} customers of ${customers}`);
    return {
      clvFitSeconds: Number(seconds.toFixed(2)),
      setup: {
        command: `npx cx clv fit --input FILE --calibration-end ${calibrationEnd}`,
        customers,
        purchases,
        fileMegabytes: Number((statSync(input).size / 1e6).toFixed(1)),
        generator: { ...cdnowStyle, startAt: new Date(cdnowStyle.startAt).toISOString().slice(0, 10) },
        fitted: { bgnbd: fitted.bgnbd, gammaGamma: fitted.gammaGamma },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
