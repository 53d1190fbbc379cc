import type { Touchpoint } from "./touchpoint";

const currencyCode = /^[A-Z]{3}$/;
/** Clock skew we accept from channel systems before calling a time "in the future". */
const maxFutureSkewMs = 24 * 60 * 60 * 1000;

/**
 * Rules Avro cannot express. Returns the reason the touchpoint is unusable, or undefined when it is
 * fine; a record that fails goes to the dead-letter topic with that reason.
 */
export function validateTouchpoint(touchpoint: Touchpoint, now: number = Date.now()): string | undefined {
  if (touchpoint.eventId.trim().length === 0) return "eventId is empty";
  if (touchpoint.occurredAt <= 0) return "occurredAt is not a time";
  if (touchpoint.occurredAt > now + maxFutureSkewMs) return "occurredAt is more than a day in the future";
  if (touchpoint.amount && !currencyCode.test(touchpoint.amount.currency)) {
    return `currency ${JSON.stringify(touchpoint.amount.currency)} is not an ISO 4217 code`;
  }
  if (touchpoint.sentiment !== null && !(touchpoint.sentiment >= -1 && touchpoint.sentiment <= 1)) {
    return `sentiment ${touchpoint.sentiment} is outside -1..1`;
  }
  const ids = touchpoint.identifiers;
  if (!ids.loyaltyId && !ids.emailHash && !ids.phoneHash && !ids.deviceId && !ids.socialHandle) {
    return "no customer identifier";
  }
  return undefined;
}
