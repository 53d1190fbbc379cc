import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { checkAddress, guardedLookup, RefusedAddressError } from "./address-guard";

export interface WebhookRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type AttemptResult =
  | {
      readonly kind: "answered";
      readonly status: number;
      readonly retryAfter?: string;
      readonly latencyMs: number;
    }
  | { readonly kind: "failed"; readonly error: string; readonly latencyMs: number }
  /** The endpoint's address is not allowed: no request was made, and none will be. */
  | { readonly kind: "refused"; readonly error: string; readonly latencyMs: number };

export interface WebhookClientOptions {
  readonly timeoutMs: number;
  readonly allowedRanges: ReadonlySet<string>;
}

const maxAnswerBytes = 64 * 1024;

/**
 * Posts webhooks over node:http(s) with the SSRF guard in the connection's DNS lookup, a time-out
 * for the whole attempt, and no redirects followed (a 3xx is an answer, not a new address to visit).
 * Never throws: every outcome is an AttemptResult.
 */
export function createWebhookClient(
  options: WebhookClientOptions,
): (request: WebhookRequest) => Promise<AttemptResult> {
  const lookup = guardedLookup(options.allowedRanges);
  const agents = {
    "http:": new http.Agent({ keepAlive: true, lookup }),
    "https:": new https.Agent({ keepAlive: true, lookup }),
  };
  return (request) =>
    new Promise((resolve) => {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      const { url } = request;
      const host = url.hostname.replace(/^\[|\]$/g, "");
      try {
        if (isIP(host)) checkAddress(host, options.allowedRanges);
      } catch (error) {
        resolve({ kind: "refused", error: (error as Error).message, latencyMs: latencyMs() });
        return;
      }
      const agent = url.protocol === "https:" ? agents["https:"] : agents["http:"];
      const send = url.protocol === "https:" ? https.request : http.request;
      const signal = AbortSignal.timeout(options.timeoutMs);
      const outgoing = send(
        url,
        {
          method: "POST",
          agent,
          headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
          signal,
        },
        (response) => {
          let read = 0;
          // The answer's body is not used; it is read (up to a limit) so the connection can be reused.
          response.on("data", (chunk: Buffer) => {
            read += chunk.length;
            if (read > maxAnswerBytes) response.destroy();
          });
          response.on("close", () => {
            const retryAfter = response.headers["retry-after"];
            resolve({
              kind: "answered",
              status: response.statusCode ?? 0,
              ...(typeof retryAfter === "string" ? { retryAfter } : {}),
              latencyMs: latencyMs(),
            });
          });
        },
      );
      outgoing.on("error", (error) => {
        const refused = error instanceof RefusedAddressError;
        resolve({
          kind: refused ? "refused" : "failed",
          error: signal.aborted ? `no answer within ${options.timeoutMs} ms` : error.message,
          latencyMs: latencyMs(),
        });
      });
      outgoing.end(request.body);
    });
}
