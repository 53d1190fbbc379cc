import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const mains = {
  gateway: "../../services/gateway/src/main.ts",
  enricher: "../../services/enricher/src/main.ts",
  offers: "../../services/offers/src/main.ts",
  sink: "../../services/sink/src/main.ts",
  dispatcher: "../../services/dispatcher/src/main.ts",
} as const;
/** The pipeline's stages; the dispatcher runs beside them as a service of its own. */
export type ServiceName = "enricher" | "offers" | "sink";
type ProcessName = keyof typeof mains;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A service's main run as a child process (as in production: `tsx services/X/src/main.ts`), which a
 * test can kill with any signal and start again; its log lines are appended to `logFile`. Exits the
 * test did not cause are kept in `unexpectedExits`, so a service dying on its own fails the test.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private killing = false;
  /** The log's size when the current process was started: it has begun once the log grows. */
  private logSizeAtStart = 0;
  readonly unexpectedExits: string[] = [];
  starts = 0;

  constructor(
    readonly name: ProcessName,
    private readonly variables: Record<string, string>,
    readonly logFile: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = openSync(this.logFile, "a");
    this.logSizeAtStart = statSync(this.logFile).size;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL(mains[this.name], import.meta.url))],
      {
        env: { ...process.env, ...this.variables },
        stdio: ["ignore", log, log],
      },
    );
    closeSync(log);
    this.child = child;
    this.killing = false;
    this.starts++;
    this.exit = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        if (!this.killing)
          this.unexpectedExits.push(
            `${this.name} (start ${this.starts}) exited by itself: code ${code}, signal ${signal}`,
          );
        resolve({ code, signal });
      }),
    );
  }

  /**
   * Resolves once the current process has written its first log line: its code runs, so its stop
   * signals are held. (Before that, node and the TypeScript loader are still starting, seconds on
   * a loaded machine, and a signal takes its default action: no program can hold it yet.)
   */
  async begun(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (statSync(this.logFile).size <= this.logSizeAtStart) {
      if (!this.running) throw new Error(`${this.name} ended before writing a line`);
      if (Date.now() > deadline) throw new Error(`${this.name} wrote nothing within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  /**
   * Sends `signal` and resolves with how the process ended. A process still there `graceMs` later
   * is killed (SIGKILL) and named in `unexpectedExits`: a stop that hangs fails the test with its
   * name instead of running into the test's timeout without a word.
   */
  async kill(signal: NodeJS.Signals, graceMs = 120_000): Promise<Exit> {
    if (!this.running) return this.exit;
    this.killing = true;
    const child = this.child;
    child?.kill(signal);
    const graceOver = new AbortController();
    const outcome = await Promise.race([
      this.exit,
      sleep(graceMs, undefined, { signal: graceOver.signal }).catch(() => undefined),
    ]);
    graceOver.abort();
    if (outcome) return outcome;
    this.unexpectedExits.push(
      `${this.name} (start ${this.starts}) did not exit within ${graceMs} ms of ${signal}; killed`,
    );
    child?.kill("SIGKILL");
    return this.exit;
  }
}

/** Runs `queries` (name → SQL, `{db}` for the database) on the ClickHouse that `variables` name, in a child process. */
export async function queryClickHouse<T = Record<string, string>>(
  variables: Record<string, string>,
  queries: Record<string, string>,
): Promise<Record<string, T[]>> {
  const script = fileURLToPath(new URL("./clickhouse-query.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(queries)], {
    env: { ...process.env, ...variables },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const line = out.split("\n").find((entry) => entry.startsWith("RESULT "));
  if (code !== 0 || !line) throw new Error(`ClickHouse query failed (exit ${code}): ${err}${out}`);
  return JSON.parse(line.slice("RESULT ".length));
}
