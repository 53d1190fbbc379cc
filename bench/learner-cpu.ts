import { parseArgs } from "node:util";
import { PropensityLearner } from "@cx/offers";
import { pick, seededRandom } from "@cx/random";
import { reportCpuRounds } from "./cpu-rounds";

/**
 * `npx tsx bench/learner-cpu.ts [--rounds N]`: CPU per Thompson draw of the offer engine's learner
 * (default pooled settings), as arbitration asks: every action of a 12-action catalog in the
 * customer's context ("stage|tier|channel|moment|history|rhythm|fatigue"), one outcome taught for
 * every tenth decision; 20,000 decisions a round, from a seeded sequence.
 */
const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const random = seededRandom(7);
const features = [
  ["new", "active", "loyal", "at_risk", "lapsed"],
  ["top", "mid", "low"],
  ["email", "sms", "push", "call"],
  ["morning", "day", "evening"],
  ["took", "ignored", "none"],
  ["frequent", "occasional", "rare"],
  ["0", "1", "2"],
];
const actions = Array.from({ length: 12 }, (_, index) => ({
  id: `offer-${index}`,
  family: (["recovery", "care", "selling"] as const)[index % 3],
}));
const decisions = Array.from({ length: 20_000 }, () => ({
  context: features.map((values) => pick(random, values)).join("|"),
  taught: random() < 0.1 ? { action: pick(random, actions), accepted: random() < 0.2 } : undefined,
}));
const learner = new PropensityLearner();
let draws = 0;
await reportCpuRounds(
  "microsecondsPerDraw",
  { rounds: Number(values.rounds), warmUps: 2, units: decisions.length * actions.length },
  () => {
    for (const { context, taught } of decisions) {
      for (const action of actions) draws += learner.sample(action.id, context, random, action.family);
      if (taught) learner.update(taught.action.id, context, taught.accepted, taught.action.family);
    }
  },
  { decisions: decisions.length, actions: actions.length },
);
if (!(draws > 0)) throw new Error("the learner drew nothing");
