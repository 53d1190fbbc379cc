import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The record a build leaves beside its output: each source it read, with its size and modification time. */
export const buildManifestName = "build-inputs.json";

/**
 * The URL of the build's main.js when every source it was built from still has the size and
 * modification time it had then; undefined when one differs or is gone, or there is no build.
 * A stat per source (a few hundred) costs a few milliseconds, far less than transpiling them.
 */
export function freshBuildEntry(outdir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, buildManifestName), "utf8"));
  } catch {
    return undefined;
  }
  const root = join(outdir, manifest.root);
  for (const [path, [size, modified]] of Object.entries(manifest.inputs)) {
    let stats;
    try {
      stats = statSync(join(root, path));
    } catch {
      return undefined;
    }
    if (stats.size !== size || stats.mtimeMs !== modified) return undefined;
  }
  return pathToFileURL(join(outdir, "main.js")).href;
}
