import { spawn } from "node:child_process";
import { join } from "node:path";

export const repositoryRoot = join(import.meta.dirname, "..", "..");

/** Runs `npx ARGS` in the repository to its end, as a user would; output is stdout and stderr together. */
export function runCommand(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn("npx", args, { cwd: repositoryRoot, env: env as NodeJS.ProcessEnv });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code, output }));
  });
}
