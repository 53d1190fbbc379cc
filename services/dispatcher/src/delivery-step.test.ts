import type { DeliveryProgress, OfferRecord } from "@cx/stage-records";
import { describe, expect, it } from "vitest";
import { afterAttempt, withoutAttempt } from "./delivery-step";
import { nextAttemptAt, parseSchedule, retryAfterMs } from "./retry-schedule";

const at = Date.parse("2026-12-01T10:00:00Z");
const hour = 3_600_000;
const offer = {
  decisionId: "d-1",
  customerId: "c-1",
  offerId: "care-guide",
  channel: "email",
  decidedAt: at,
  expiresAt: at + 48 * hour,
} as OfferRecord;
const pending: DeliveryProgress = {
  offer,
  status: "pending",
  attempts: 0,
  nextAttemptAt: at,
  sourcePartition: 0,
  sourceOffset: "7",
};
const settings = { schedule: parseSchedule("5s,5m,30m,2h,5h,10h,10h") ?? [], random: () => 0.5 };
const answered = (status: number, retryAfter?: string) =>
  ({ kind: "answered", status, latencyMs: 12, ...(retryAfter ? { retryAfter } : {}) }) as const;

describe("delivery steps", () => {
  it("delivers on 2xx, counting the attempt", () => {
    const step = afterAttempt(pending, "https://esp.example/hook", answered(204), at, settings);
    expect(step.progress).toMatchObject({ status: "delivered", attempts: 1 });
    expect(step.record).toMatchObject({
      attempt: 1,
      status: "delivered",
      httpStatus: 204,
      latencyMs: 12,
      error: null,
    });
    expect(step.gaveUp).toBeUndefined();
  });

  it("retries a 500 or a time-out on the schedule, and waits out a Retry-After", () => {
    const first = afterAttempt(pending, "e", answered(500), at, settings);
    expect(first.progress).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: at + 5000 });
    expect(first.record).toMatchObject({
      status: "retrying",
      httpStatus: 500,
      error: "answered 500",
      nextAttemptAt: at + 5000,
    });
    const second = afterAttempt(
      first.progress,
      "e",
      { kind: "failed", error: "no answer within 15000 ms", latencyMs: 15000 },
      at,
      settings,
    );
    expect(second.progress.nextAttemptAt).toBe(at + 300_000);
    const limited = afterAttempt(pending, "e", answered(429, "120"), at, settings);
    expect(limited.progress.nextAttemptAt).toBe(at + 120_000);
    const unavailable = afterAttempt(
      pending,
      "e",
      answered(503, new Date(at + hour).toUTCString()),
      at,
      settings,
    );
    expect(unavailable.progress.nextAttemptAt).toBe(at + hour);
  });

  it("spreads retries by ±20 % jitter", () => {
    expect(nextAttemptAt([10_000], 1, at, () => 0)).toBe(at + 8000);
    expect(nextAttemptAt([10_000], 1, at, () => 0.999_999)).toBe(at + 12_000);
    expect(nextAttemptAt([10_000], 2, at, () => 0.5)).toBeNull();
    expect(retryAfterMs("soon", at)).toBeUndefined();
  });

  it("gives up when the next attempt would come after the offer expires or the schedule is spent", () => {
    const late = afterAttempt(
      { ...pending, attempts: 3, offer: { ...offer, expiresAt: at + hour } },
      "e",
      answered(502),
      at,
      settings,
    );
    expect(late.progress.status).toBe("failed");
    expect(late.record.status).toBe("failed");
    expect(late.gaveUp).toBe(
      "undeliverable: no further attempt before the offer expires; last: answered 502",
    );
    const spent = afterAttempt(pending, "e", answered(500), at, { ...settings, schedule: [] });
    expect(spent.gaveUp).toMatch(/after 1 attempts/);
  });

  it("disables the endpoint on 410 and refuses a forbidden address without retrying", () => {
    const gone = afterAttempt(pending, "https://esp.example/hook", answered(410), at, settings);
    expect(gone.progress.status).toBe("failed");
    expect(gone.record.status).toBe("disabled");
    expect(gone.disable).toMatch(/410 Gone/);
    const refused = afterAttempt(
      pending,
      "e",
      { kind: "refused", error: "address 10.0.0.1 is private", latencyMs: 1 },
      at,
      settings,
    );
    expect([refused.progress.status, refused.record.status, refused.gaveUp]).toEqual([
      "failed",
      "refused",
      "address 10.0.0.1 is private",
    ]);
  });

  it("records a decision that expired before any attempt as failed, with its attempt count unchanged", () => {
    const expired = withoutAttempt({ ...pending, attempts: 2 }, "e", at, "failed", "undeliverable: expired");
    expect(expired.record).toMatchObject({ attempt: 2, status: "failed", error: "undeliverable: expired" });
    expect(parseSchedule("5s,soon")).toBeNull();
  });
});
