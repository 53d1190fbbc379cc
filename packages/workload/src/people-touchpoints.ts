import { createHash } from "node:crypto";
import { type Channel, newTouchpoint, noExperience, noIdentifiers, type Touchpoint } from "@cx/contracts";
import { pick, seededRandom } from "@cx/random";

const dayMs = 24 * 60 * 60 * 1000;
const money = (minor: number, discountMinor = 0) => ({
  minor,
  currency: "EUR",
  discountMinor,
  marginMinor: null,
});
const hashOf = (text: string) => createHash("sha256").update(text).digest("hex");

/** The identifiers one person shows on each channel: partly overlapping, as in life. */
function identifiersOn(
  channel: Channel,
  person: number,
  random: () => number,
): Partial<Touchpoint["identifiers"]> {
  const email = random() < 0.5 ? { emailHash: hashOf(`email-${person}`) } : {};
  switch (channel) {
    case "web":
      return { deviceId: `cookie-${person}`, ...email };
    case "store":
      return { loyaltyId: `L${person}`, ...email };
    case "phone":
      return { phoneHash: hashOf(`phone-${person}`), ...(random() < 0.5 ? { loyaltyId: `L${person}` } : {}) };
    case "social":
      return {
        socialHandle: `x:@person${person}`,
        ...(random() < 0.3 ? { deviceId: `cookie-${person}` } : {}),
      };
  }
}

/**
 * A seeded stream of touchpoints by `people` people over `days` days, in time order: each person
 * is seen on several channels with different identifiers (so stitching has work to do), buys,
 * returns, complains and answers surveys. Event ids are unique per seed.
 */
export function peopleTouchpoints(options: PeopleOptions): Touchpoint[] {
  return [...streamPeopleTouchpoints(options)];
}

export interface PeopleOptions {
  readonly people: number;
  readonly touchpoints: number;
  readonly days?: number;
  readonly seed?: number;
  /** Day 0 of the stream (epoch ms); 2026-01-01 12:00 UTC by default. */
  readonly startAt?: number;
}

/** The same stream one touchpoint at a time, for sizes that should not sit in memory at once. */
export function* streamPeopleTouchpoints(options: PeopleOptions): Generator<Touchpoint> {
  const { people, touchpoints, days = 120, seed = 1, startAt = Date.UTC(2026, 0, 1, 12) } = options;
  const random = seededRandom(seed);
  for (let i = 0; i < touchpoints; i++) {
    const person = Math.floor(random() * people);
    const channel = pick(random, ["web", "store", "phone", "social"] as const);
    const roll = random();
    const fields =
      roll < 0.3
        ? {
            type: "purchase" as const,
            amount: money(1000 + Math.floor(random() * 20000), random() < 0.2 ? 500 : 0),
          }
        : roll < 0.35
          ? { type: "return" as const, amount: money(-(500 + Math.floor(random() * 3000))) }
          : roll < 0.45
            ? { type: "complaint" as const, sentiment: -0.4 - random() * 0.6 }
            : roll < 0.5
              ? {
                  type: "survey_response" as const,
                  experience: { ...noExperience, nps: Math.floor(random() * 11) },
                }
              : { type: "visit" as const, sentiment: random() < 0.3 ? random() * 2 - 1 : null };
    const at = Math.round(startAt + (i / touchpoints) * days * dayMs);
    yield newTouchpoint({
      eventId: `people-${seed}-${i}`,
      occurredAt: at,
      receivedAt: at,
      sourceSystem: "people-generator",
      ...fields,
      channel,
      identifiers: { ...noIdentifiers, ...identifiersOn(channel, person, random) },
    });
  }
}
