import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type PipelineMetrics, metrics as processMetrics } from "./metrics";
import { liveness as processLiveness, readiness as processReadiness, type Readiness } from "./readiness";

export interface OperationsServerOptions {
  readonly port: number;
  readonly host: string;
  readonly metrics?: PipelineMetrics;
  readonly readiness?: Readiness;
  readonly liveness?: Readiness;
}

export interface OperationsServer {
  /** The port it listens on (the one picked when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/**
 * GET /health/live (200 unless a part has been broken too long to heal by itself, then 503 with
 * the reasons), /health/ready (200 when every part is ready, otherwise 503 with the reasons) and
 * /metrics (Prometheus text format).
 */
export async function startOperationsServer(options: OperationsServerOptions): Promise<OperationsServer> {
  const metrics = options.metrics ?? processMetrics;
  const readiness = options.readiness ?? processReadiness;
  const liveness = options.liveness ?? processLiveness;
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return json(response, 405, { error: "only GET" });
    }
    switch (path) {
      case "/health/live": {
        const status = liveness.status();
        return status.ready
          ? json(response, 200, { status: "live" })
          : json(response, 503, { status: "not live", reasons: status.reasons });
      }
      case "/health/ready": {
        const status = readiness.status();
        return status.ready
          ? json(response, 200, { status: "ready" })
          : json(response, 503, { status: "not ready", reasons: status.reasons });
      }
      case "/metrics":
        metrics.registry.metrics().then(
          (text) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
          (error: unknown) => json(response, 500, { error: (error as Error).message }),
        );
        return;
      default:
        return json(response, 404, { error: "not found; try /health/live, /health/ready or /metrics" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
