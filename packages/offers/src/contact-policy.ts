import { careKinds, type DeliveryChannel, type OfferDefinition, recoveryKinds } from "./catalog";
import type { CustomerOfferState } from "./customer-offers";
import { localTime } from "./local-time";

export interface ContactPolicy {
  /** For customers whose touchpoints never named their time zone (attribute `timeZone`). */
  readonly defaultTimeZone: string;
  readonly perChannel: { readonly perDay: number; readonly perWeek: number };
  readonly overall: { readonly perDay: number; readonly perWeek: number };
  /** Local hours [from, to) in which nothing goes out; from > to wraps midnight (21 → 8). */
  readonly quietHours: { readonly from: number; readonly to: number };
  /** After a complaint, only recovery actions (service recovery, free replacement) for this many days. */
  readonly coolingOffDays: number;
  /** An offer declined this often within the window is not offered again. */
  readonly declineSuppression: { readonly declines: number; readonly withinDays: number };
}

export const defaultContactPolicy: ContactPolicy = {
  defaultTimeZone: "Europe/Berlin",
  perChannel: { perDay: 1, perWeek: 2 },
  overall: { perDay: 2, perWeek: 4 },
  quietHours: { from: 21, to: 8 },
  coolingOffDays: 14,
  declineSuppression: { declines: 2, withinDays: 60 },
};

export const suppressionReasons = [
  "erased",
  "no_consent",
  "offer_cap",
  "declined_before",
  "cooling_off",
  "quiet_hours",
  "channel_day_cap",
  "channel_week_cap",
  "day_cap",
  "week_cap",
  /** The customer is in the universal holdout: what marketing would have sent (see holdout.ts). */
  "holdout",
  /** Expected worth below ArbitrationSettings.minExpectedValueMinor: no offer beats a tiring one. */
  "not_worth_contact",
] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

const dayMs = 86_400_000;

function inQuietHours(hour: number, { from, to }: ContactPolicy["quietHours"]): boolean {
  if (from === to) return false;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/** Erasure and consent alone: what even a policy with no caps must respect. */
export function permissionRefusal(
  state: CustomerOfferState,
  offer: OfferDefinition,
  channel: DeliveryChannel,
): "erased" | "no_consent" | undefined {
  if (state.erased) return "erased";
  const care = careKinds.includes(offer.kind);
  const consent = state.consent[channel];
  // Selling needs an explicit yes; caring for a customer needs only the absence of a no.
  if (consent === false || (!care && consent !== true)) return "no_consent";
  return undefined;
}

/**
 * Why this offer may not go to this customer on this channel now, or undefined if it may. Rules
 * in order: erasure, consent, the offer's own cap, earlier declines, cooling-off after a complaint,
 * quiet hours, then frequency caps per channel and overall, per day and per week — days and weeks
 * counted in the customer's time zone.
 */
export function contactRefusal(
  state: CustomerOfferState,
  offer: OfferDefinition,
  channel: DeliveryChannel,
  now: number,
  policy: ContactPolicy,
): SuppressionReason | undefined {
  const permission = permissionRefusal(state, offer, channel);
  if (permission) return permission;

  const sameOffer = state.sent.filter(
    (sent) => sent.offerId === offer.id && sent.at > now - offer.caps.perDays * dayMs,
  );
  if (sameOffer.length >= offer.caps.perCustomer) return "offer_cap";
  const declines = (state.declines[offer.id] ?? []).filter(
    (at) => at > now - policy.declineSuppression.withinDays * dayMs,
  );
  if (declines.length >= policy.declineSuppression.declines) return "declined_before";
  const recovery = recoveryKinds.includes(offer.kind);
  if (
    !recovery &&
    state.lastComplaintAt !== null &&
    now - state.lastComplaintAt < policy.coolingOffDays * dayMs
  )
    return "cooling_off";

  const timeZone = state.timeZone ?? policy.defaultTimeZone;
  const local = localTime(now, timeZone);
  if (inQuietHours(local.hour, policy.quietHours)) return "quiet_hours";
  const sentTimes = state.sent.map((sent) => ({
    channel: sent.channel,
    local: localTime(sent.at, timeZone),
  }));
  const onChannel = sentTimes.filter((sent) => sent.channel === channel);
  if (onChannel.filter((sent) => sent.local.day === local.day).length >= policy.perChannel.perDay)
    return "channel_day_cap";
  if (onChannel.filter((sent) => sent.local.week === local.week).length >= policy.perChannel.perWeek)
    return "channel_week_cap";
  if (sentTimes.filter((sent) => sent.local.day === local.day).length >= policy.overall.perDay)
    return "day_cap";
  if (sentTimes.filter((sent) => sent.local.week === local.week).length >= policy.overall.perWeek)
    return "week_cap";
  return undefined;
}
