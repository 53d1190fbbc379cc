import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freshBuildEntry } from "../bin/fresh-build.mjs";
import { buildCli } from "./build-cli";

const cliDir = join(import.meta.dirname, "..");
const repositoryRoot = join(cliDir, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "cx-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small program: a helper reading a file beside itself, and a module loaded only when needed. */
function writeProgram(root: string) {
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(root, "src", "greeting.txt"), "hello from beside the source");
  writeFileSync(
    join(root, "src", "helper.ts"),
    'import { readFileSync } from "node:fs";\nexport const greeting: string = readFileSync(new URL("./greeting.txt", import.meta.url), "utf8");\n',
  );
  writeFileSync(join(root, "src", "later.ts"), 'export const later: string = "loaded later";\n');
  writeFileSync(
    join(root, "src", "main.ts"),
    'import { greeting } from "./helper";\nconsole.log(greeting);\nconsole.log((await import("./later")).later);\n',
  );
}

describe("the CLI build", () => {
  const root = join(scratch, "program");
  const outdir = join(root, "dist");
  writeProgram(root);
  const build = () => buildCli({ entry: join(root, "src", "main.ts"), outdir, root });

  it("runs as plain JavaScript, its sources still finding the files beside them", async () => {
    const manifest = await build();
    expect(Object.keys(manifest.inputs).sort()).toEqual(["src/helper.ts", "src/later.ts", "src/main.ts"]);
    const entry = freshBuildEntry(outdir);
    expect(entry).toBeDefined();
    const run = spawnSync(process.execPath, [fileURLToPath(entry as string)], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("hello from beside the source\nloaded later\n");
  });

  it("is stale once a source it was built from changes or goes, and fresh again after a build", async () => {
    await build();
    appendFileSync(join(root, "src", "later.ts"), "// edited\n");
    expect(freshBuildEntry(outdir)).toBeUndefined();
    await build();
    expect(freshBuildEntry(outdir)).toBeDefined();
    rmSync(join(root, "src", "helper.ts"));
    expect(freshBuildEntry(outdir)).toBeUndefined();
    writeProgram(root);
  });

  it("is no build at all where nothing was built", () => {
    expect(freshBuildEntry(join(scratch, "nowhere"))).toBeUndefined();
  });

  it("refuses a source using import.meta.dirname, which the bundle could not relocate", async () => {
    writeFileSync(join(root, "src", "later.ts"), "export const later: string = import.meta.dirname;\n");
    await expect(build()).rejects.toThrow(/use new URL/);
    writeProgram(root);
  });

  it("gives the cx command line the same help as its TypeScript sources", async () => {
    // Inside node_modules, so the bundle's package imports resolve as the real build's do.
    const testOutdir = mkdtempSync(join(repositoryRoot, "node_modules", ".cx-build-test-"));
    try {
      await buildCli({ entry: join(cliDir, "src", "main.ts"), outdir: testOutdir, root: repositoryRoot });
      for (const args of [["--help"], ["clv", "fit", "--help"], ["produce", "--help"]]) {
        const built = spawnSync(process.execPath, [join(testOutdir, "main.js"), ...args], {
          encoding: "utf8",
        });
        const fromSources = spawnSync(
          process.execPath,
          ["--import", "tsx", join(cliDir, "src", "main.ts"), ...args],
          { encoding: "utf8", cwd: repositoryRoot },
        );
        expect(built.stdout, args.join(" ")).toMatch(/^Usage: cx/);
        expect(built.stdout, args.join(" ")).toBe(fromSources.stdout);
      }
    } finally {
      rmSync(testOutdir, { recursive: true, force: true });
    }
  });
});
