import { readFileSync } from "node:fs";
import type { AdapterContext } from "./channel-adapter";
import { createIdentifierHasher } from "./identifier-hasher";

/** Shared by this package's tests: a fixed hashing key, clock and the native samples. */
export const testHasher = createIdentifierHasher("k".repeat(32), "DE");
export const testContext: AdapterContext = {
  hash: testHasher,
  receivedAt: Date.parse("2026-10-25T00:00:00Z"),
  sourceSystem: "test-system",
};
export const nativeSample = (name: "store-receipt" | "call-record" | "web-analytics" | "social-webhook") =>
  JSON.parse(readFileSync(new URL(`./samples/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
