import { statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { build, type Plugin } from "esbuild";
import { buildManifestName } from "../bin/fresh-build.mjs";

/** Each source the build read, by path from the root: [size, modification time in ms]. */
export interface BuildManifest {
  readonly root: string;
  readonly inputs: Record<string, [number, number]>;
}

export interface BuildCliOptions {
  /** The TypeScript entry point, e.g. services/cli/src/main.ts. */
  readonly entry: string;
  /** Where main.js, its chunks and the manifest go; replaced whole. */
  readonly outdir: string;
  /** Inputs are recorded relative to this directory (the repository). */
  readonly root: string;
}

/**
 * Workspace packages (@cx/*) are TypeScript and go into the bundle; every other package stays an
 * import, loaded from node_modules at run time as tsx would, so an installed package is never stale.
 */
const bundleOnlyWorkspacePackages: Plugin = {
  name: "bundle-only-workspace-packages",
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@cx/") ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * Sources find their data files (migrations, queries, schemas, the offer catalog) next to
 * themselves through import.meta.url; in a chunk it would name the chunk. So each source's
 * import.meta.url becomes its own file's URL, written relative to the chunk so a moved checkout works.
 */
function sourceImportMeta(outdir: string): Plugin {
  return {
    name: "source-import-meta",
    setup(context) {
      context.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        if (/import\.meta\.(dirname|filename)/.test(source))
          throw new Error(`${args.path}: use new URL(…, import.meta.url), which the CLI build can relocate`);
        const fromChunk = relative(outdir, args.path).split(sep).join("/");
        return {
          contents: source.replaceAll(
            "import.meta.url",
            `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`,
          ),
          loader: "ts",
        };
      });
    },
  };
}

/**
 * Bundles the command line into plain JavaScript (one chunk per verb, loaded when it runs) and
 * records the size and modification time of every source it read, for the launcher's freshness check.
 * The output is written beside `outdir` and swapped in, so a launcher never sees half a build.
 */
export async function buildCli({ entry, outdir, root }: BuildCliOptions): Promise<BuildManifest> {
  const staging = `${outdir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: entry },
    outdir: staging,
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    metafile: true,
    logLevel: "warning",
    plugins: [bundleOnlyWorkspacePackages, sourceImportMeta(outdir)],
  });
  const inputs: BuildManifest["inputs"] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const { size, mtimeMs } = statSync(join(root, input));
    inputs[input] = [size, mtimeMs];
  }
  const manifest: BuildManifest = { root: relative(outdir, root).split(sep).join("/") || ".", inputs };
  await writeFile(join(staging, buildManifestName), `${JSON.stringify(manifest)}\n`);
  await mkdir(dirname(outdir), { recursive: true });
  const previous = `${outdir}.previous-${process.pid}`;
  await rename(outdir, previous).catch(() => undefined);
  await rename(staging, outdir);
  await rm(previous, { recursive: true, force: true });
  return manifest;
}
