import { describe, expect, it } from "vitest";
import { DisabledEndpoints } from "./disabled-endpoints";

const endpoint = {
  channel: "sms",
  url: "https://sms.example/in",
  disabledAt: 1,
  reason: "answered 410 Gone",
};

describe("disabled endpoints", () => {
  it("keeps a 410's endpoint off for its URL only, and writes its marker once", () => {
    const disabled = new DisabledEndpoints(new Set());
    disabled.disable(endpoint);
    disabled.disable(endpoint);
    expect(disabled.find("sms", endpoint.url)).toEqual(endpoint);
    expect(disabled.find("sms", "https://sms.example/v2/in")).toBeUndefined();
    const markers = disabled.take();
    expect(markers).toEqual([["endpoint:sms", { delivery: null, disabledEndpoint: endpoint }]]);
    expect(disabled.take()).toEqual([]);
    disabled.putBack(markers);
    expect(disabled.take()).toEqual(markers);
  });

  it("re-enables a channel listed in DISPATCHER_REENABLE_CHANNELS by deleting its restored marker", () => {
    const reenabled = new DisabledEndpoints(new Set(["sms"]));
    reenabled.restored(endpoint);
    expect(reenabled.find("sms", endpoint.url)).toBeUndefined();
    expect(reenabled.take()).toEqual([["endpoint:sms", null]]);
    const kept = new DisabledEndpoints(new Set(["email"]));
    kept.restored(endpoint);
    expect(kept.find("sms", endpoint.url)).toEqual(endpoint);
  });
});
