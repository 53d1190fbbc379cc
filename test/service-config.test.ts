import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("service start-up", () => {
  it("stops with exit code 2 and names the variable when configuration is wrong", () => {
    const result = spawnSync("npx", ["tsx", "services/sink/src/main.ts"], {
      env: { ...process.env, KAFKA_PARTITIONS: "many", CLICKHOUSE_DATABASE: "bad-name!" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('KAFKA_PARTITIONS=\\"many\\"');
    expect(result.stdout).toContain("CLICKHOUSE_DATABASE");
  });
});
