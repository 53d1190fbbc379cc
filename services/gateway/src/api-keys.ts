import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Finds the key a request presents. Secrets are compared as SHA-256 digests with timingSafeEqual,
 * and every configured key is compared, so neither the length nor the position of a match shows in
 * the response time.
 */
export function createKeyRing<K extends { readonly secret: string }>(
  keys: readonly K[],
): (presented: string) => K | undefined {
  const digests = keys.map((key) => ({ key, digest: digest(key.secret) }));
  return (presented) => {
    const candidate = digest(presented);
    let found: K | undefined;
    for (const entry of digests) {
      if (timingSafeEqual(entry.digest, candidate) && found === undefined) found = entry.key;
    }
    return found;
  };
}

/** The secret from "Authorization: Bearer <secret>", or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
