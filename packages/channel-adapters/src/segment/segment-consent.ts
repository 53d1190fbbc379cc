import type { Touchpoint } from "@cx/contracts";
import { consentScopes } from "@cx/contracts";
import type { SegmentCall } from "./segment-call";

/** The event Segment's consent management sends when a visitor changes their preferences. */
export const consentEvent = "Segment Consent Preference Updated";

type Scope = (typeof consentScopes)[number];

/**
 * Segment consent categories are the site's own names. Those named like a contact channel (email,
 * sms, push, phone, post) or `all` set that scope; `marketing` stands for every channel. Any other
 * category (analytics, advertising, functional) says nothing about contacting the customer.
 */
function scopeOf(category: string): Scope | undefined {
  const name = category.trim().toLowerCase();
  if (name === "marketing") return "all";
  return (consentScopes as readonly string[]).includes(name) ? (name as Scope) : undefined;
}

/** The consent answers a call carries, one per scope, in the order the site listed them. */
export function consentAnswers(call: SegmentCall): NonNullable<Touchpoint["consent"]>[] {
  const answers = new Map<Scope, boolean>();
  for (const [category, granted] of Object.entries(call.context?.consent?.categoryPreferences ?? {})) {
    const scope = scopeOf(category);
    if (scope) answers.set(scope, granted);
  }
  return [...answers].map(([scope, granted]) => ({ scope, granted }));
}

/**
 * Consent changes are taken from the consent event and from identify calls: both are when a site
 * reports preferences. Other calls repeat the current preferences on every event (analytics.js'
 * consent wrapper does), which would only multiply the same answer.
 */
export function reportsConsent(call: SegmentCall): boolean {
  return call.type === "identify" || (call.type === "track" && call.event === consentEvent);
}
