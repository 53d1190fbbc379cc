import { ConfigError, loadConfig } from "@cx/config";
import type { z } from "zod";
import { UsageError } from "./usage-error";

/** A command's configuration from the environment; a wrong value is a usage error naming it (exit 2). */
export function commandEnv<Schema extends z.ZodType>(schema: Schema): z.infer<Schema> {
  try {
    return loadConfig(schema);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Commands that manage a broker refuse to run against the default address by accident. */
export function requireBroker(): void {
  if (!process.env.KAFKA_BROKERS || !process.env.SCHEMA_REGISTRY_URL)
    throw new UsageError(
      "set KAFKA_BROKERS and SCHEMA_REGISTRY_URL: this command works on a Kafka cluster " +
        "(the embedded mode of `npm start` / `cx demo` has no topics to manage)",
    );
}
