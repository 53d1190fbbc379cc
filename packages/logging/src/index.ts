import { type Logger, pino } from "pino";

export type { Logger };

/**
 * One JSON line per event on stdout. LOG_LEVEL picks the level; the service name is on every line
 * so the logs of several services can share one stream.
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
