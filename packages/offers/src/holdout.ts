import { createHmac } from "node:crypto";

/** The universal control group: customers who get service and care but no marketing. */
export interface HoldoutSettings {
  /** Share of customers held out, 0–100 (0 = no control group). */
  readonly percent: number;
  /** Key of the hash that assigns customers; changing it reshuffles the groups. */
  readonly salt: string;
}

export const noHoldout: HoldoutSettings = { percent: 0, salt: "" };

const buckets = 2 ** 32;

/**
 * Whether a customer is in the holdout: the first 32 bits of HMAC-SHA256(salt, customer id) as a
 * share of 2³², below the percentage. A function of the id alone (nothing stored), so the group is
 * the same across restarts, replays and instances, a merged customer takes the survivor's group
 * (the survivor's id is the one decided on), and an erased customer leaves nothing behind.
 */
export function isHeldOut(customerId: string, settings: HoldoutSettings): boolean {
  const { percent, salt } = settings;
  if (percent <= 0) return false;
  if (percent >= 100) return true;
  const known = answersFor(settings);
  const answer = known.get(customerId);
  if (answer !== undefined) return answer;
  const bucket = createHmac("sha256", salt).update(customerId).digest().readUInt32BE(0);
  const heldOut = bucket < (percent / 100) * buckets;
  if (known.size >= maxKeptAnswers) known.clear();
  known.set(customerId, heldOut);
  return heldOut;
}

/**
 * Every touchpoint asks for its customer twice (the profile stage marks it, the offer engine
 * decides on it) and an HMAC is most of a touchpoint's hashing, so recent answers are kept per
 * settings object; cleared when full, so memory stays bounded (a few MB).
 */
const maxKeptAnswers = 50_000;
const answers = new WeakMap<HoldoutSettings, Map<string, boolean>>();

function answersFor(settings: HoldoutSettings): Map<string, boolean> {
  let known = answers.get(settings);
  if (!known) {
    known = new Map();
    answers.set(settings, known);
  }
  return known;
}
