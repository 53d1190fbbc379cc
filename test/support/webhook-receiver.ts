import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  readonly id: string;
  readonly body: unknown;
  /** Whether the standardwebhooks package accepted its signature. */
  readonly verified: boolean;
}

/** What the receiver answers the `nth` (1-based) request for a webhook id; "hold" keeps it waiting. */
export type Answer = (id: string, nth: number) => number | "hold";

/**
 * A marketing tool's webhook endpoint as its developers would write it, with the `standardwebhooks`
 * package verifying every request. Counts requests per webhook id and the 2xx answers that reached
 * a live connection (acknowledged: what the sender can have seen).
 */
export async function startWebhookReceiver(answer: Answer) {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  const acknowledged = new Map<string, number>();
  const held: ServerResponse[] = [];
  const requests = new Map<string, number>();
  let current = answer;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const id = String(request.headers["webhook-id"]);
      let verified = true;
      try {
        verifier.verify(text, request.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      received.push({ id, body: JSON.parse(text), verified });
      const nth = (requests.get(id) ?? 0) + 1;
      requests.set(id, nth);
      const status = current(id, nth);
      if (status === "hold") {
        held.push(response);
        return;
      }
      response.on("finish", () => {
        if (status >= 200 && status < 300) acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
      });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/offers`;
  return {
    url,
    secret,
    received,
    requests,
    acknowledged,
    held,
    answerWith(next: Answer) {
      current = next;
    },
    /** Drops held requests without an answer (their sender is gone). */
    dropHeld() {
      for (const response of held.splice(0)) response.socket?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
