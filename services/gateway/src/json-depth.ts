/**
 * Whether a parsed JSON value nests deeper than `maxDepth` levels (an object or array is one level,
 * a scalar none). Walks with its own stack, so no nesting can overflow the call stack.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

/** The issue of a value nested too deep, to reject it as an invalid event; none if it is not. */
export function depthIssues(value: unknown, maxDepth: number): { path: string; message: string }[] {
  return jsonDepthExceeds(value, maxDepth)
    ? [{ path: "", message: `nests deeper than ${maxDepth} levels` }]
    : [];
}
