import { createHash } from "node:crypto";
import { type Channel, newTouchpoint, type Touchpoint, type TouchpointType } from "@cx/contracts";
import { pick, seededRandom } from "@cx/random";

export interface SampleOptions {
  readonly count: number;
  readonly seed: number;
  /** Touchpoints spread over the 90 days before this moment. */
  readonly endAt: number;
  readonly customers?: number;
}

const typesByChannel: Record<Channel, readonly TouchpointType[]> = {
  store: ["visit", "purchase", "purchase", "return", "service_request", "service_resolved"],
  phone: ["call", "service_request", "complaint", "service_resolved"],
  web: ["web_session", "page_view", "cart", "purchase", "review"],
  social: ["social_mention", "review", "referral"],
};
const channels: readonly Channel[] = ["store", "store", "web", "web", "phone", "social"];
const dayMs = 24 * 60 * 60 * 1000;

/** A stand-in for the gateway's keyed hash: the sample never had a raw phone number to hash. */
const fakeHash = (value: string) => createHash("sha256").update(value).digest("hex");

/**
 * The default end of a sample: the start of today (UTC). The same seed on the same day gives the
 * same touchpoints, so running the demo twice adds nothing twice.
 */
export function startOfTodayUtc(now: number = Date.now()): number {
  return now - (now % dayMs);
}

/**
 * A small, seeded stream of plausible touchpoints (the walking skeleton's data; the realistic
 * workload with customer kinds and rhythms is packages/workload). Same options, same touchpoints.
 */
export function sampleTouchpoints(options: SampleOptions): Touchpoint[] {
  const random = seededRandom(options.seed);
  const customers = options.customers ?? Math.max(1, Math.ceil(options.count / 8));
  return Array.from({ length: options.count }, (_, index) => {
    const customer = Math.floor(random() * customers);
    const channel = pick(random, channels);
    const type = pick(random, typesByChannel[channel]);
    const occurredAt = Math.floor(options.endAt - random() * 90 * dayMs);
    const spend = Math.round((5 + random() * 195) * 100);
    const signedSpend = type === "purchase" ? spend : type === "return" ? -spend : null;
    const amount =
      signedSpend === null
        ? null
        : { minor: signedSpend, currency: "EUR", discountMinor: 0, marginMinor: null };
    return newTouchpoint({
      eventId: `sample-${options.seed}-${index}`,
      occurredAt,
      receivedAt: occurredAt + Math.floor(random() * 5000),
      channel,
      type,
      identifiers: {
        loyaltyId: channel === "store" || random() < 0.3 ? `L${String(customer).padStart(7, "0")}` : null,
        emailHash: null,
        phoneHash: channel === "phone" ? fakeHash(`phone-${customer}`) : null,
        deviceId: channel === "web" ? `dev-${customer}` : null,
        socialHandle: channel === "social" ? `x:@customer${customer}` : null,
      } satisfies Touchpoint["identifiers"],
      amount,
      sentiment: type === "complaint" ? -0.6 - random() * 0.4 : Math.round((random() * 2 - 1) * 100) / 100,
      sourceSystem: "sample-generator",
      attributes: channel === "store" ? { store: pick(random, ["berlin-mitte", "hamburg", "munich"]) } : {},
    });
  });
}
