import { z } from "zod";

/**
 * METRICS_PORT and METRICS_HOST for the operations endpoints; each service passes its own default
 * port so that all of them can run on one machine. 0 picks a free port (logged at start).
 */
export const operationsEnvSchema = (defaultPort: number) =>
  z.object({
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
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
