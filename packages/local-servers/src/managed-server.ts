import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const scriptsDir = fileURLToPath(new URL("../../../infra/scripts/", import.meta.url));

export interface ManagedServer {
  readonly name: string;
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; throw-away servers (tests) can pass 0. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal to the server's process (SIGSTOP and SIGCONT pause and resume it: a hung broker). */
  signal(signal: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
// A test run that is interrupted must not leave brokers behind on the machine.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Fetches the Kafka and registry distributions from Maven Central once (cached in infra/.cache). */
export async function fetchServerDistributions(): Promise<void> {
  const child = spawn("bash", [`${scriptsDir}fetch.sh`], { stdio: ["ignore", "inherit", "inherit"] });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`infra/scripts/fetch.sh failed with exit code ${code}`);
}

export interface ServerLaunch {
  readonly name: string;
  /** File name under infra/scripts that runs the server in the foreground. */
  readonly script: string;
  readonly env: Record<string, string>;
  readonly logFile: string;
  /** Resolves true once the server answers. */
  readonly isReady: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts one of infra/scripts' servers as a child process and waits until it answers. The scripts
 * are the single definition of how each server runs; this only supervises them.
 */
export async function startManagedServer(launch: ServerLaunch): Promise<ManagedServer> {
  const log = openSync(launch.logFile, "a");
  const child = spawn("bash", [`${scriptsDir}${launch.script}`], {
    env: { ...process.env, ...launch.env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );

  const deadline = Date.now() + (launch.readyTimeoutMs ?? 120_000);
  while (!(await launch.isReady().catch(() => false))) {
    if (exited)
      throw new Error(
        `${launch.name} exited during start-up; log ${launch.logFile}:\n${tail(launch.logFile)}`,
      );
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `${launch.name} did not answer in time; log ${launch.logFile}:\n${tail(launch.logFile)}`,
      );
    }
    await sleep(250);
  }

  return {
    name: launch.name,
    logFile: launch.logFile,
    signal(signal) {
      if (!exited) child.kill(signal);
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      child.kill(graceMs > 0 ? "SIGTERM" : "SIGKILL");
      const killed = await Promise.race([exit.then(() => false), sleep(graceMs).then(() => true)]);
      if (killed) {
        child.kill("SIGKILL");
        await exit;
      }
    },
  };
}
