#!/usr/bin/env node
// Runs the compiled command line (`npm run build`, which npm ci runs as the prepare step) when it
// was built from the sources as they are now; otherwise the TypeScript sources through tsx. So a
// stale build never runs, and edited sources or a checkout without a build still work, at tsx's
// start-up cost.
import { fileURLToPath } from "node:url";
import { freshBuildEntry } from "./fresh-build.mjs";

const built = freshBuildEntry(fileURLToPath(new URL("../dist/", import.meta.url)));
if (built) {
  await import(built);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
