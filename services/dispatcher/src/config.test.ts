import { ConfigError, loadConfig } from "@cx/config";
import { describe, expect, it } from "vitest";
import { dispatcherEnvSchema } from "./config";

const base = { KAFKA_BROKERS: "127.0.0.1:9092", SCHEMA_REGISTRY_URL: "http://127.0.0.1:8081" };
const secret = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
const problems = (env: Record<string, string>) => {
  try {
    loadConfig(dispatcherEnvSchema, { ...base, ...env });
  } catch (error) {
    return (error as ConfigError).problems.join("\n");
  }
  throw new Error("configuration was accepted");
};

describe("dispatcher configuration", () => {
  it("reads endpoints, rotating secrets, schedule and allowed ranges per channel", () => {
    const env = loadConfig(dispatcherEnvSchema, {
      ...base,
      DISPATCHER_ENDPOINTS: "email=https://esp.example/hooks/cx?tenant=7, sms=https://sms.example/in",
      DISPATCHER_SIGNING_SECRETS: `email=${secret}|${secret},sms=${secret}`,
      DISPATCHER_RETRY_SCHEDULE: "100ms,5s,2h",
      DISPATCHER_ALLOWED_ADDRESS_RANGES: "loopback,private",
    });
    expect(env.DISPATCHER_ENDPOINTS.get("email")?.href).toBe("https://esp.example/hooks/cx?tenant=7");
    expect(env.DISPATCHER_SIGNING_SECRETS.get("email")).toHaveLength(2);
    expect(env.DISPATCHER_RETRY_SCHEDULE).toEqual([100, 5000, 7_200_000]);
    expect([...env.DISPATCHER_ALLOWED_ADDRESS_RANGES]).toEqual(["loopback", "private"]);
  });

  it("stops on a wrong value, naming the variable", () => {
    expect(problems({ DISPATCHER_ENDPOINTS: "fax=https://x.example" })).toMatch(
      /^DISPATCHER_ENDPOINTS=.*channel=value/,
    );
    expect(problems({ DISPATCHER_ENDPOINTS: "email=ftp://x.example" })).toMatch(
      /DISPATCHER_ENDPOINTS=.*email: must be an http\(s\) URL/,
    );
    expect(problems({ DISPATCHER_ENDPOINTS: "email=https://x.example" })).toMatch(
      /DISPATCHER_SIGNING_SECRETS: needs a secret for email/,
    );
    expect(problems({ DISPATCHER_SIGNING_SECRETS: "email=hunter2" })).toMatch(
      /DISPATCHER_SIGNING_SECRETS=.*whsec_/,
    );
    expect(problems({ DISPATCHER_RETRY_SCHEDULE: "5s,later" })).toMatch(
      /DISPATCHER_RETRY_SCHEDULE=.*units ms, s, m, h/,
    );
    expect(() => loadConfig(dispatcherEnvSchema, { ...base, DISPATCHER_TICK_MS: "0" })).toThrow(ConfigError);
  });
});
