import type { DeliveryProgress, DeliveryRecord, DeliveryStatus } from "@cx/stage-records";
import { nextAttemptAt, retryAfterMs } from "./retry-schedule";
import type { AttemptResult } from "./webhook-client";

export interface StepSettings {
  readonly schedule: readonly number[];
  readonly random: () => number;
}

export interface StepOutcome {
  readonly progress: DeliveryProgress;
  readonly record: DeliveryRecord;
  /** Set when the decision is given up: the reason its dead letter carries. */
  readonly gaveUp?: string;
  /** Set when the receiver answered 410 Gone: its endpoint is off until re-enabled. */
  readonly disable?: string;
}

/** A safe name for the endpoint in records and logs: no credentials, no query string. */
export function endpointName(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function record(
  progress: DeliveryProgress,
  endpoint: string,
  at: number,
  fields: {
    attempt: number;
    status: DeliveryStatus;
    httpStatus?: number;
    latencyMs?: number;
    error?: string;
    next?: number;
  },
): DeliveryRecord {
  const { offer } = progress;
  return {
    decisionId: offer.decisionId,
    customerId: offer.customerId,
    offerId: offer.offerId,
    channel: offer.channel,
    endpoint,
    attempt: fields.attempt,
    status: fields.status,
    httpStatus: fields.httpStatus ?? null,
    latencyMs: fields.latencyMs ?? 0,
    error: fields.error ?? null,
    attemptedAt: at,
    nextAttemptAt: fields.next ?? null,
  };
}

/**
 * What one attempt's result makes of a delivery: delivered on 2xx; on 410 failed and the endpoint
 * disabled; on a refused address failed (it will not change by waiting); otherwise another attempt
 * by the schedule (or when Retry-After says), unless that would be after the offer expires or the
 * schedule is spent, in which case it is given up.
 */
export function afterAttempt(
  progress: DeliveryProgress,
  endpoint: string,
  result: AttemptResult,
  at: number,
  settings: StepSettings,
): StepOutcome {
  const attempt = progress.attempts + 1;
  const common = { attempt, latencyMs: result.latencyMs };
  const attempted = { ...progress, attempts: attempt };
  if (result.kind === "answered" && result.status >= 200 && result.status < 300)
    return {
      progress: { ...attempted, status: "delivered" },
      record: record(progress, endpoint, at, { ...common, status: "delivered", httpStatus: result.status }),
    };
  if (result.kind === "answered" && result.status === 410) {
    const reason = `${endpoint} answered 410 Gone: the endpoint is disabled until re-enabled`;
    return {
      progress: { ...attempted, status: "failed" },
      record: record(progress, endpoint, at, {
        ...common,
        status: "disabled",
        httpStatus: 410,
        error: reason,
      }),
      gaveUp: reason,
      disable: reason,
    };
  }
  if (result.kind === "refused")
    return {
      progress: { ...attempted, status: "failed" },
      record: record(progress, endpoint, at, { ...common, status: "refused", error: result.error }),
      gaveUp: result.error,
    };
  const error = result.kind === "answered" ? `answered ${result.status}` : result.error;
  const httpStatus = result.kind === "answered" ? { httpStatus: result.status } : {};
  const waitMs = result.kind === "answered" ? retryAfterMs(result.retryAfter, at) : undefined;
  const next = nextAttemptAt(settings.schedule, attempt, at, settings.random, waitMs);
  if (next === null || next > progress.offer.expiresAt) {
    const why = next === null ? `after ${attempt} attempts` : "before the offer expires";
    return {
      progress: { ...attempted, status: "failed" },
      record: record(progress, endpoint, at, { ...common, ...httpStatus, status: "failed", error }),
      gaveUp: `undeliverable: no further attempt ${why}; last: ${error}`,
    };
  }
  return {
    progress: { ...attempted, nextAttemptAt: next },
    record: record(progress, endpoint, at, { ...common, ...httpStatus, status: "retrying", error, next }),
  };
}

/** A decision that cannot be attempted at all: expired while waiting, or its endpoint disabled. */
export function withoutAttempt(
  progress: DeliveryProgress,
  endpoint: string,
  at: number,
  status: "failed" | "disabled",
  reason: string,
): StepOutcome {
  return {
    progress: { ...progress, status: "failed" },
    record: record(progress, endpoint, at, { attempt: progress.attempts, status, error: reason }),
    gaveUp: reason,
  };
}
