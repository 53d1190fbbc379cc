import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createLogger } from "@cx/logging";
import { parseCatalog } from "@cx/offers";
import { type OfferStateRecord, offerContracts } from "@cx/stage-records";
import { describe, expect, it } from "vitest";
import { learnerKey, offerWrites, restoredLearner } from "./offer-writes";
import { PartitionOffers } from "./partition-offers";
import { defaultSettings } from "./test-settings";

const catalog = parseCatalog(
  readFileSync(fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url)), "utf8"),
);
const stateType = offerContracts.state.type;
const encode = (value: unknown) => stateType.toBuffer(value);
const writes = offerWrites({
  codecs: { offer: { encode }, suppressed: { encode }, outcome: { encode }, state: { encode } },
  env: {
    OFFERS_TOPIC: "offers",
    SUPPRESSED_TOPIC: "suppressed",
    OFFER_OUTCOMES_TOPIC: "outcomes",
    OFFER_STATE_TOPIC: "offer-state",
  },
  catalogVersion: "test",
  log: createLogger("test", "silent"),
});

/** What a compacted changelog keeps of these writes: the latest record per key. */
async function changelogAfter(
  partition: number,
  offers: PartitionOffers,
  latest: Map<string, OfferStateRecord | null>,
) {
  const { changelog } = await writes(partition, offers, { decisions: [], outcomes: [] });
  for (const { messages } of changelog)
    for (const { key, value } of messages)
      latest.set(String(key), value ? (stateType.fromBuffer(value as Buffer) as OfferStateRecord) : null);
}

describe("the learner's changelog", () => {
  it("writes only the cells a batch taught, and a restore from them learns what the learner knew", async () => {
    const offers = PartitionOffers.create(catalog, defaultSettings);
    const latest = new Map<string, OfferStateRecord | null>();
    offers.learner.update("win-back", "at_risk|gold|email", true, "selling");
    await changelogAfter(3, offers, latest);
    const firstBatch = latest.size;
    expect(firstBatch).toBeGreaterThan(1);
    offers.learner.update("care-plan-upgrade", "active|silver|phone", false, "selling");
    await changelogAfter(3, offers, latest);
    // The second batch rewrote the cells the two share (the family's) and added its own.
    expect(latest.size).toBeGreaterThan(firstBatch);
    await changelogAfter(3, offers, latest);
    const { changelog } = await writes(3, offers, { decisions: [], outcomes: [] });
    expect(changelog.flatMap(({ messages }) => messages)).toEqual([]);
    expect([...latest.keys()].every((key) => key.startsWith(`${learnerKey(3)}.`))).toBe(true);
    expect(restoredLearner(latest, 3)).toEqual(offers.learner.state());
  });

  it("reads an older release's whole-learner record first, and the cells written since over it", () => {
    const latest = new Map<string, OfferStateRecord | null>([
      [
        learnerKey(0),
        {
          customer: null,
          learner: { old: { accepted: 1, refused: 2 }, both: { accepted: 0, refused: 1 } },
        },
      ],
      [`${learnerKey(0)}.both`, { customer: null, learner: { both: { accepted: 3, refused: 1 } } }],
      [`${learnerKey(1)}.other`, { customer: null, learner: { other: { accepted: 9, refused: 9 } } }],
    ]);
    expect(restoredLearner(latest, 0)).toEqual({
      old: { accepted: 1, refused: 2 },
      both: { accepted: 3, refused: 1 },
    });
  });

  it("restores a learner of more cells than a function call takes arguments", () => {
    const cells = 300_000;
    const latest = new Map<string, OfferStateRecord | null>(
      Array.from({ length: cells }, (_, index) => [
        `${learnerKey(2)}.cell-${index}`,
        { customer: null, learner: { [`cell-${index}`]: { accepted: index, refused: 1 } } },
      ]),
    );
    const learner = restoredLearner(latest, 2);
    expect(Object.keys(learner)).toHaveLength(cells);
    expect(learner[`cell-${cells - 1}`]).toEqual({ accepted: cells - 1, refused: 1 });
  });
});
