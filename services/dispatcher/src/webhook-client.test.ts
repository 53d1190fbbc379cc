import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressRange } from "./address-guard";
import { createWebhookClient } from "./webhook-client";

describe("webhook client", () => {
  let server: Server;
  let port: number;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests++;
      if (request.url === "/slow") return void setTimeout(() => response.end(), 2000);
      if (request.url === "/redirect")
        return void response.writeHead(302, { location: "http://10.0.0.1/" }).end();
      response.writeHead(429, { "retry-after": "30" }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const request = (path: string, host = "127.0.0.1") => ({
    url: new URL(`http://${host}:${port}${path}`),
    headers: {},
    body: "{}",
  });

  it("refuses loopback, private and link-local addresses, by literal and by name, before connecting", async () => {
    const guarded = createWebhookClient({ timeoutMs: 1000, allowedRanges: new Set() });
    const before = requests;
    expect(await guarded(request("/"))).toMatchObject({
      kind: "refused",
      error: expect.stringMatching(/127\.0\.0\.1 is loopback/),
    });
    expect(await guarded(request("/", "localhost"))).toMatchObject({
      kind: "refused",
      error: expect.stringMatching(/is loopback/),
    });
    expect(requests).toBe(before);
    expect(
      ["10.1.2.3", "169.254.169.254", "fd00::1", "::ffff:192.168.0.1", "100.64.0.1"].map(addressRange),
    ).toEqual(["private", "linkLocal", "uniqueLocal", "private", "carrierGradeNat"]);
    expect(addressRange("8.8.8.8")).toBe("unicast");
  });

  it("reports the answer with Retry-After, a redirect as an answer, and a time-out per attempt", async () => {
    const client = createWebhookClient({ timeoutMs: 300, allowedRanges: new Set(["loopback"]) });
    expect(await client(request("/"))).toMatchObject({ kind: "answered", status: 429, retryAfter: "30" });
    expect(await client(request("/redirect"))).toMatchObject({ kind: "answered", status: 302 });
    const slow = await client(request("/slow"));
    expect(slow).toMatchObject({ kind: "failed", error: "no answer within 300 ms" });
    expect(slow.latencyMs).toBeLessThan(1500);
  });
});
