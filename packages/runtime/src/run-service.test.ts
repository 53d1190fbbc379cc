import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "@cx/testing";
import { describe, expect, it } from "vitest";

const fixture = fileURLToPath(new URL("./fixtures/flaky-start.ts", import.meta.url));

/** Runs the fixture service as a process; its log lines (pino JSON) are collected as they come. */
function runFlaky(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: { msg: string; attempt?: number; phase?: string }[] = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    for (const line of complete) if (line.startsWith("{")) lines.push(JSON.parse(line));
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, lines, exit };
}

describe("runService with retryStart", () => {
  it("tries a failing start again until it succeeds, then stops cleanly on SIGTERM", async () => {
    const flaky = runFlaky({ FAIL_TIMES: "2" });
    await waitFor(
      async () => flaky.lines.some((line) => line.msg === "started"),
      (started) => started,
      { timeoutMs: 60_000, what: "the service started" },
    );
    expect(
      flaky.lines.filter((line) => line.msg === "could not start; trying again").map((line) => line.attempt),
    ).toEqual([1, 2]);
    flaky.child.kill("SIGTERM");
    expect(await flaky.exit).toBe(0);
  });

  it("gives up with exit 1 once the start has failed for longer than HEALTH_DEAD_AFTER_MS", async () => {
    const flaky = runFlaky({
      FAIL_TIMES: "1000",
      HEALTH_STUCK_AFTER_MS: "1000",
      HEALTH_DEAD_AFTER_MS: "4000",
    });
    expect(await flaky.exit).toBe(1);
    expect(flaky.lines.some((line) => line.msg === "failed to start")).toBe(true);
    expect(flaky.lines.filter((line) => line.msg === "could not start; trying again").length).toBeGreaterThan(
      1,
    );
  });

  it("ends a start's back-off at once when asked to stop, and exits 0", async () => {
    const flaky = runFlaky({ FAIL_TIMES: "1000" });
    // The third try waits 4 s before the next; the stop must not wait that out.
    await waitFor(
      async () => flaky.lines.filter((line) => line.msg === "could not start; trying again").length,
      (failed) => failed >= 3,
      { timeoutMs: 60_000, what: "three failed tries" },
    );
    const signalledAt = Date.now();
    flaky.child.kill("SIGTERM");
    expect(await flaky.exit).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(3_000);
    expect(flaky.lines.some((line) => line.msg === "start did not finish before the requested stop")).toBe(
      true,
    );
  });

  it("exits 1 when a start that never settles outlasts the shutdown bound after SIGTERM", async () => {
    const hung = runFlaky({ START_HANGS: "1" });
    await waitFor(
      async () => hung.lines.some((line) => line.msg === "connecting"),
      (connecting) => connecting,
      { timeoutMs: 60_000, what: "the service began to start" },
    );
    hung.child.kill("SIGTERM");
    expect(await hung.exit).toBe(1);
    const timedOut = hung.lines.find((line) => line.msg === "shutdown timed out");
    expect(timedOut?.phase).toBe("starting");
  }, 60_000);
});
