import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Starts a service's main with extra variables and waits for it to stop (a bad config stops it);
 * its operations endpoints on a free port, so it never meets a service running on this machine.
 */
const startService = (main: string, variables: Record<string, string>) =>
  spawnSync("npx", ["tsx", main], {
    env: { ...process.env, METRICS_PORT: "0", ...variables },
    encoding: "utf8",
    timeout: 60_000,
  });

describe("service start-up", () => {
  it("stops with exit code 2 and names the variable when configuration is wrong", () => {
    const result = startService("services/sink/src/main.ts", {
      KAFKA_PARTITIONS: "many",
      CLICKHOUSE_DATABASE: "bad-name!",
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('KAFKA_PARTITIONS=\\"many\\"');
    expect(result.stdout).toContain("CLICKHOUSE_DATABASE");
  });
});

describe("enricher start-up", () => {
  it("refuses a model file that is not a fit from `cx clv fit`, naming the variable and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "cx-models-"));
    const file = join(dir, "models.json");
    writeFileSync(
      file,
      JSON.stringify({ bgnbd: { r: 0.2, alpha: -4, a: 0.8, b: 2.4 }, gammaGamma: { p: 6, q: 3, v: 15 } }),
    );
    const result = startService("services/enricher/src/main.ts", {
      ENRICHER_MODEL_FILE: file,
      IDENTITY_LIMITS: "email=0",
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("ENRICHER_MODEL_FILE");
    expect(result.stdout).toContain("bgnbd.alpha");
    expect(result.stdout).toContain("IDENTITY_LIMITS");
  });
});

describe("offers start-up", () => {
  it("refuses a catalog with a bad entry, naming the entry and the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "cx-catalog-"));
    const file = join(dir, "catalog.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: "test",
        offers: [
          {
            id: "winback-x",
            kind: "win_back",
            title: "Come back",
            channels: ["carrier-pigeon"],
            triggers: ["stage_lapsed"],
            businessValueMinor: 100,
            costMinor: 10,
            validForHours: 24,
          },
        ],
      }),
    );
    const result = startService("services/offers/src/main.ts", {
      OFFERS_CATALOG_FILE: file,
      OFFERS_DEFAULT_TIME_ZONE: "Mars/Olympus",
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain("OFFERS_CATALOG_FILE");
    expect(result.stdout).toContain("offers[0] winback-x: channels.0");
    expect(result.stdout).toContain("OFFERS_DEFAULT_TIME_ZONE");
  });

  it("refuses a holdout share outside 0–100 and a short salt, naming both", () => {
    const result = startService("services/offers/src/main.ts", {
      OFFERS_HOLDOUT_PERCENT: "150",
      OFFERS_HOLDOUT_SALT: "short",
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('OFFERS_HOLDOUT_PERCENT=\\"150\\"');
    expect(result.stdout).toContain("OFFERS_HOLDOUT_SALT");
  });
});
