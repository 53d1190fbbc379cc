import { createHmac } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over
 * "<webhook-id>.<webhook-timestamp>.<body>" with the secret's bytes, sent as "v1,<base64>". During a
 * rotation an endpoint has several secrets and the header carries one signature per secret,
 * space-separated, so receivers holding either secret accept it.
 *
 * Signed with node:crypto rather than the `standardwebhooks` package: its Webhook class takes one
 * secret (no rotation), and it computes HMAC in JavaScript (fast-sha256) where node:crypto uses
 * OpenSSL; the scheme is three lines. Tests verify every delivery with that package's receiver.
 */
export function signWebhook(
  secrets: readonly Buffer[],
  webhookId: string,
  timestampSeconds: number,
  body: string,
): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac("sha256", secret).update(`${webhookId}.${timestampSeconds}.${body}`).digest("base64")}`,
    )
    .join(" ");
}

/** The key bytes of a "whsec_<base64>" secret; anything else is a configuration error. */
export function secretBytes(secret: string): Buffer {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = match?.[1] ? Buffer.from(match[1], "base64") : Buffer.alloc(0);
  if (bytes.length < 24) throw new Error("must be whsec_ followed by base64 of at least 24 random bytes");
  return bytes;
}
