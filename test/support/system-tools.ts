import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * The path of a system tool the checks need (Debian's chromium, promtool, prometheus). Missing, it
 * fails the test loudly with the fix: these tests never skip.
 */
export function requireSystemTool(name: string): string {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(
    `${name} is not installed: run infra/scripts/tools.sh (installs Debian's chromium and prometheus; CI's .ci/run does)`,
  );
}
