import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@cx/local-servers";
import { parse, stringify } from "yaml";
import { prometheusDir } from "./prometheus-expressions";
import { requireSystemTool } from "./system-tools";

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  static_configs: { targets: string[] }[];
}

/**
 * The shipped prometheus.yml with each job's target on the port a test gave its service, scraping
 * every second, and the shipped rule files by absolute path; everything else as shipped.
 */
export function templatedPrometheusConfig(ports: Readonly<Record<string, number>>): string {
  const config = parse(readFileSync(join(prometheusDir, "prometheus.yml"), "utf8")) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  config.global = { ...config.global, scrape_interval: "1s", evaluation_interval: "1s" };
  config.rule_files = config.rule_files.map((file) => join(prometheusDir, file));
  for (const job of config.scrape_configs) {
    const port = ports[job.job_name];
    if (port === undefined) throw new Error(`the test starts no service for ${job.job_name}`);
    job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
  }
  return stringify(config);
}

/** Debian's Prometheus on a free port with a config and storage of its own (never the package's 9090 service). */
export async function startPrometheus(dir: string, config: string) {
  mkdirSync(join(dir, "data"), { recursive: true });
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    requireSystemTool("prometheus"),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/${path}`);
    const body = (await response.json()) as { status: string; data: T };
    if (body.status !== "success") throw new Error(`${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  return {
    api,
    log: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
