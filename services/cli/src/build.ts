import { join } from "node:path";
import { buildCli } from "./build-cli";

// `npm run build` (and npm's prepare step): the cx command line as JavaScript in services/cli/dist.
const cli = join(import.meta.dirname, "..");
const manifest = await buildCli({
  entry: join(cli, "src", "main.ts"),
  outdir: join(cli, "dist"),
  root: join(cli, "..", ".."),
});
console.log(`cx built from ${Object.keys(manifest.inputs).length} sources into services/cli/dist`);
