import { loadConfig } from "@cx/config";
import { describe, expect, it } from "vitest";
import { segmentEnvSchema } from "./segment-config";
import { basicAuthUser } from "./write-key";

describe("Segment configuration and write keys", () => {
  it("maps each source's write key to its channel, and stops on a bad entry naming the variable", () => {
    const env = loadConfig(segmentEnvSchema, { SEGMENT_WRITE_KEYS: `website:web:${"a".repeat(32)}` });
    expect(env.SEGMENT_WRITE_KEYS).toEqual([{ name: "website", channel: "web", secret: "a".repeat(32) }]);
    expect(env.SEGMENT_DEFAULT_CURRENCY).toBe("USD");
    expect(() =>
      loadConfig(segmentEnvSchema, { SEGMENT_WRITE_KEYS: `app:mobile:${"a".repeat(32)}` }),
    ).toThrow(/SEGMENT_WRITE_KEYS=.*channel must be one of/);
    expect(() => loadConfig(segmentEnvSchema, { SEGMENT_DEFAULT_CURRENCY: "euro" })).toThrow(
      /SEGMENT_DEFAULT_CURRENCY/,
    );
  });

  it("reads the write key from Basic authentication with an empty or any password", () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString("base64")}`;
    expect(basicAuthUser(basic("key123:"))).toBe("key123");
    expect(basicAuthUser(basic("key123:ignored"))).toBe("key123");
    expect(basicAuthUser(basic(":"))).toBeUndefined();
    expect(basicAuthUser("Bearer key123")).toBeUndefined();
    expect(basicAuthUser(undefined)).toBeUndefined();
  });
});
