import { z } from "zod";

/** How long a consumer may be stuck before readiness, then liveness, says so; runService sets them from the environment. */
export const healthBounds = { stuckAfterMs: 60_000, deadAfterMs: 300_000 };

/**
 * METRICS_PORT and METRICS_HOST for the operations endpoints; each service passes its own default
 * port so that all of them can run on one machine. 0 picks a free port (logged at start).
 */
export const operationsEnvSchema = (defaultPort: number) =>
  z.object({
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  });

/** How long a consumer may be stuck before readiness, then liveness, say so. */
export const healthEnvSchema = z
  .object({
    /** A consumer with lag and no progress (or crashed, or unable to read its lag) this long is not ready. */
    HEALTH_STUCK_AFTER_MS: z.coerce.number().int().min(1000).default(60_000),
    /** A consumer not recovered this long makes /health/live fail, so an orchestrator restarts the process. */
    HEALTH_DEAD_AFTER_MS: z.coerce.number().int().min(1000).default(300_000),
  })
  .refine((env) => env.HEALTH_DEAD_AFTER_MS > env.HEALTH_STUCK_AFTER_MS, {
    message: "HEALTH_DEAD_AFTER_MS must be longer than HEALTH_STUCK_AFTER_MS",
    path: ["HEALTH_DEAD_AFTER_MS"],
  });
export type OperationsEnv = z.infer<ReturnType<typeof operationsEnvSchema>>;

/** Default METRICS_PORT per service. */
export const defaultMetricsPorts = {
  gateway: 9101,
  enricher: 9102,
  offers: 9103,
  sink: 9104,
  dispatcher: 9105,
} as const;
