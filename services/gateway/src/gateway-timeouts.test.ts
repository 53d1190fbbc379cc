import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, gatewayEnv, startGateway } from "./test-gateway";
import type { TouchpointWriter } from "./touchpoint-writer";

/** Sends `text` and then nothing more; resolves with what the server answered once it closed the connection. */
function stallAfter(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(answer));
  });
}

describe("ingest gateway against clients that stop sending", () => {
  let app: FastifyInstance;
  let writer: TouchpointWriter;
  let port: number;

  beforeAll(async () => {
    ({ app, writer } = await startGateway(
      gatewayEnv({ GATEWAY_HEADERS_TIMEOUT_MS: "500", GATEWAY_BODY_TIMEOUT_MS: "500" }),
    ));
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
    await writer?.close();
  });

  it("answers 408 and closes the connection when a body stops arriving", async () => {
    const head = [
      "POST /v1/store/events HTTP/1.1",
      "host: 127.0.0.1",
      `authorization: ${auth("store").authorization}`,
      "content-type: application/json",
      "content-length: 1000",
    ].join("\r\n");
    const answer = await stallAfter(port, `${head}\r\n\r\n{"receiptId": "R-stalled",`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it("answers 408 and closes the connection when headers stop arriving", async () => {
    const answer = await stallAfter(port, "POST /v1/store/events HTTP/1.1\r\nhost: 127.0.0.1\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it("still answers a client that sends in time", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
  });
});
