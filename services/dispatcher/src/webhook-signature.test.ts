import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { secretBytes, signWebhook } from "./webhook-signature";

const secret = () => `whsec_${randomBytes(32).toString("base64")}`;

describe("Standard Webhooks signature", () => {
  it("verifies with the standardwebhooks receiver under each secret of a rotation, and fails on a changed body", () => {
    const [old, current] = [secret(), secret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: "offer.decided", data: { decisionId: "d-1" } });
    const headers = {
      "webhook-id": "d-1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signWebhook([secretBytes(old), secretBytes(current)], "d-1", timestamp, body),
    };
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const key of [old, current])
      expect(new Webhook(key).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace("d-1", "d-2"), headers)).toThrow();
  });

  it("takes only whsec_ secrets of at least 24 bytes", () => {
    expect(() => secretBytes("plain-secret")).toThrow(/whsec_/);
    expect(() => secretBytes(`whsec_${randomBytes(8).toString("base64")}`)).toThrow(/24 random bytes/);
    expect(secretBytes(`whsec_${Buffer.alloc(32, 7).toString("base64")}`)).toEqual(Buffer.alloc(32, 7));
  });
});
