import type { z } from "zod";

/** A configuration value that failed validation; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates the environment against a zod schema whose keys are variable names.
 * Throws ConfigError listing each failing variable, so a process can stop before it touches anything.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? issue.path.join(".") : "(environment)";
    const given = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return given === undefined
      ? `${variable}: ${issue.message}`
      : `${variable}=${JSON.stringify(given)}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
