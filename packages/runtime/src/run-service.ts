import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, loadConfig } from "@cx/config";
import { createLogger, type Logger } from "@cx/logging";
import {
  healthBounds,
  healthEnvSchema,
  type OperationsServer,
  operationsEnvSchema,
  readiness,
  startOperationsServer,
} from "@cx/observability";
import { onStopSignal } from "./stop-signals";

export interface RunningService {
  /** Finishes or hands back in-flight work, commits nothing unprocessed, then releases connections. */
  stop(): Promise<void>;
  /** Resolves when the service ends by itself (a one-shot job); long-running services never resolve it. */
  readonly done?: Promise<void>;
}

export interface ServiceOptions {
  /**
   * Serve /health/live, /health/ready and /metrics on METRICS_PORT (this port when it is unset;
   * 0 picks a free one) and METRICS_HOST. Without it the process has no operations endpoints.
   */
  readonly metricsPort?: number;
  /**
   * A start that fails (a broker, registry or database not reachable yet, say) is tried again with
   * back-off, not ready meanwhile, until HEALTH_DEAD_AFTER_MS has passed since the first try; only
   * then does the process exit 1. What a failed try had started is stopped by the start itself
   * (StopStack). A bad configuration still exits 2 at once.
   */
  readonly retryStart?: boolean;
}

const shutdownTimeoutMs = 30_000;

/**
 * The one place a process is wired to its environment: it starts the service, stops it on
 * SIGTERM/SIGINT (also one that came while it loaded or started: see holdStopSignals; it ends in a
 * clean stop and exit 0 once the start has settled, or exit 1 if start and stop together take
 * longer than the shutdown bound), and turns a bad configuration into a message
 * naming the variable and exit code 2. With `metricsPort` it also serves the operations endpoints
 * from before the start (live at once, ready once started and every consumer and producer says
 * so) until the process ends.
 */
export async function runService(
  name: string,
  start: (logger: Logger) => Promise<RunningService>,
  options: ServiceOptions = {},
): Promise<void> {
  const logger = createLogger(name);
  let phase: string | undefined = "starting";
  readiness.register("service", () => phase);
  let service: RunningService | undefined;
  let operations: OperationsServer | undefined;
  let stopping = false;
  // Aborted with the first stop signal that comes while starting (its reason); a later one changes nothing.
  const stopRequested = new AbortController();
  const signalledWhileStarting = (): string | undefined => stopRequested.signal.reason;

  // One bound from the first stop request to the exit, a start still settling included: a start
  // that hangs (a connect that never answers) must not keep a stopped process alive.
  let shutdownBound: NodeJS.Timeout | undefined;
  const boundShutdown = () => {
    shutdownBound ??= setTimeout(() => {
      logger.error({ timeoutMs: shutdownTimeoutMs, phase }, "shutdown timed out");
      process.exit(1);
    }, shutdownTimeoutMs).unref();
  };

  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    phase = "stopping";
    logger.info({ reason }, "stopping");
    boundShutdown();
    try {
      await service?.stop();
      await operations?.close();
      logger.info("stopped");
      process.exit(exitCode);
    } catch (error) {
      logger.error({ err: error }, "error while stopping");
      process.exit(1);
    }
  };
  onStopSignal((signal) => {
    // During the start, the stop waits for it to settle (stopping a half-made service loses track).
    if (phase?.startsWith("starting")) {
      stopRequested.abort(signal);
      boundShutdown();
      logger.info({ signal }, "stop requested while starting; stopping once started");
      return;
    }
    void stop(signal);
  });
  process.on("unhandledRejection", (error) => {
    logger.fatal({ err: error }, "unhandled rejection");
    void stop("unhandledRejection", 1);
  });

  try {
    Object.assign(healthBounds, healthSettings(loadConfig(healthEnvSchema)));
    if (options.metricsPort !== undefined) {
      const env = loadConfig(operationsEnvSchema(options.metricsPort));
      operations = await startOperationsServer({ port: env.METRICS_PORT, host: env.METRICS_HOST });
      logger.info(
        { metricsPort: operations.port, metricsHost: env.METRICS_HOST },
        "operations endpoints listening (/health/live, /health/ready, /metrics)",
      );
    }
    service = options.retryStart
      ? await startWithRetries(
          start,
          logger,
          (problem) => {
            phase = `starting (${problem})`;
          },
          stopRequested.signal,
        )
      : await start(logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
      process.exit(2);
    }
    const signalled = signalledWhileStarting();
    if (signalled) {
      // Asked to stop anyway: a start cut short by the stop is not a failure.
      logger.warn({ err: error, signal: signalled }, "start did not finish before the requested stop");
      await operations?.close().catch(() => undefined);
      process.exit(0);
    }
    logger.fatal({ err: error }, "failed to start");
    process.exit(1);
  }
  phase = undefined;
  logger.info("started");
  const signalled = signalledWhileStarting();
  if (signalled) return stop(signalled);

  if (service.done) {
    await service.done.then(
      () => stop("finished"),
      (error: unknown) => {
        logger.error({ err: error }, "failed");
        return stop("failed", 1);
      },
    );
  }
}

/** Tries `start` until it succeeds, a stop is asked for, or the liveness bound has passed. */
async function startWithRetries(
  start: (logger: Logger) => Promise<RunningService>,
  logger: Logger,
  report: (problem: string) => void,
  stopRequested: AbortSignal,
): Promise<RunningService> {
  const firstTry = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(logger);
    } catch (error) {
      const retryInMs = Math.min(1_000 * 2 ** (attempt - 1), 15_000);
      if (error instanceof ConfigError || stopRequested.aborted) throw error;
      if (Date.now() + retryInMs - firstTry > healthBounds.deadAfterMs) throw error;
      report(`try ${attempt} failed: ${(error as Error)?.message ?? String(error)}`);
      logger.warn({ err: error, attempt, retryInMs }, "could not start; trying again");
      // A stop asked for during the back-off ends it at once rather than after up to 15 s.
      await sleep(retryInMs, undefined, { signal: stopRequested }).catch(() => undefined);
      if (stopRequested.aborted) throw error;
    }
  }
}

const healthSettings = (env: { HEALTH_STUCK_AFTER_MS: number; HEALTH_DEAD_AFTER_MS: number }) => ({
  stuckAfterMs: env.HEALTH_STUCK_AFTER_MS,
  deadAfterMs: env.HEALTH_DEAD_AFTER_MS,
});
