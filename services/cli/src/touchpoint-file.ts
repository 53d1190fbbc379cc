import { readFileSync } from "node:fs";
import { checkTouchpoint, describeIssues, type Touchpoint } from "@cx/contracts";
import { UsageError } from "./usage-error";

/**
 * Canonical touchpoints from a JSON-lines file (one touchpoint per line, as the contract's JSON
 * form). Every line is checked before anything is sent: a bad line stops the command, naming it.
 */
export function readTouchpointFile(path: string): Touchpoint[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const touchpoints: Touchpoint[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const where = `${path}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(`${where} is not JSON: ${(error as Error).message}`);
    }
    const checked = checkTouchpoint(value);
    if (!checked.ok)
      throw new UsageError(`${where} is not a valid touchpoint: ${describeIssues(checked.issues)}`);
    touchpoints.push(checked.touchpoint);
  }
  return touchpoints;
}
