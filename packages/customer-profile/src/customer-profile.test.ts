import { noExperience, type Touchpoint } from "@cx/contracts";
import { cdnowModels, dayMs, fixtureStart, money, purchaseOf, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import {
  applyTouchpoint,
  assessLifecycle,
  assessValue,
  type CustomerProfile,
  channelsOf,
  deriveTraits,
  eventIdHash,
  lastSeenAt,
  mergeIdHash,
  mergeProfiles,
  purchaseDayFields,
  rememberedEventIds,
  sentimentFields,
  ValueDistribution,
  valueTier,
} from "./index";

const day = dayMs;
const start = fixtureStart;
const touch = touchpointOnDay;
const purchase = (d: number, minor: number, discount = 0) => touch(d, purchaseOf(minor, discount));
const fold = (touchpoints: Touchpoint[]) =>
  touchpoints.reduce<CustomerProfile | undefined>(
    (profile, touchpoint) => applyTouchpoint(profile, "cus_1", touchpoint),
    undefined,
  ) as CustomerProfile;
const models = cdnowModels;
const percentiles = { p40: 2000, p80: 20000 };

describe("applyTouchpoint", () => {
  it("changes nothing when a touchpoint is delivered again", () => {
    const first = purchase(0, 5000);
    const once = fold([first]);
    expect(applyTouchpoint(once, "cus_1", first)).toBe(once);
  });

  it("nets returns, counts one purchase day per day, and orders late purchases", () => {
    const profile = fold([
      purchase(10, 3000),
      purchase(10, 2000),
      purchase(2, 1000),
      touch(12, { type: "return", amount: money(-1500) }),
    ]);
    expect(purchaseDayFields(profile.purchaseDays)).toEqual({
      purchaseDays: [Math.floor(start / day) + 2, Math.floor(start / day) + 10],
      purchaseDayAmounts: [1000, 5000],
    });
    const traits = deriveTraits(profile, start + 20 * day);
    expect(traits.netRevenueMinor).toBe(4500);
    expect(traits.returnRate).toBeCloseTo(1500 / 6000);
    expect(traits.history).toEqual({ x: 1, tx: 8 / 7, T: 18 / 7 });
    expect(traits.meanRepeatSpend).toBe(50);
  });

  it("follows experience: complaints, waits, resolution, NPS class and a falling sentiment", () => {
    const profile = fold([
      touch(0, { sentiment: 0.8 }),
      touch(1, {
        sentiment: 0.6,
        channel: "phone",
        type: "call",
        experience: {
          satisfaction: null,
          effort: null,
          nps: 9,
          waitSeconds: 60,
          handleSeconds: 300,
          resolved: true,
        },
      }),
      touch(2, {
        sentiment: -0.9,
        channel: "phone",
        type: "complaint",
        experience: {
          satisfaction: 1,
          effort: 6,
          nps: 3,
          waitSeconds: 600,
          handleSeconds: 200,
          resolved: false,
        },
      }),
    ]);
    const traits = deriveTraits(profile, start + 3 * day);
    expect(profile.complaints).toBe(1);
    expect(profile.lastComplaintAt).toBe(start + 2 * day);
    expect(traits.averageWaitSeconds).toBe(330);
    expect(traits.resolutionRate).toBe(0.5);
    expect(traits.npsClass).toBe("detractor");
    expect(traits.sentimentTrend).toBeLessThan(0);
    expect(channelsOf(profile.channelActivity).phone?.touchpoints).toBe(2);
  });
});

describe("assessValue", () => {
  it("flags a customer who returns most and buys only on discount as negative value", () => {
    const profile = fold([
      purchase(0, 1000, 1500),
      purchase(5, 1000, 1500),
      purchase(9, 1000, 1500),
      touch(10, { type: "return", amount: money(-900) }),
      touch(11, { type: "return", amount: money(-800) }),
    ]);
    const value = assessValue(profile, deriveTraits(profile, start + 12 * day), models);
    expect(value.costFlags).toEqual(["heavy_returner", "bargain_hunter"]);
    expect(value.negative).toBe(true);
    expect(valueTier(value, percentiles)).toBe("negative");
  });

  it("adds indirect value for converted referrals, promoters, reach and reviews", () => {
    const profile = fold([
      touch(0, { type: "referral", referral: { referredKey: null, converted: true } }),
      touch(1, {
        channel: "social",
        type: "review",
        social: { network: "instagram", reach: 999, rating: 5 },
        identifiers: {
          loyaltyId: null,
          emailHash: null,
          phoneHash: null,
          deviceId: null,
          socialHandle: "instagram:@a",
        },
      }),
      touch(2, {
        type: "survey_response",
        experience: {
          satisfaction: 5,
          effort: null,
          nps: 10,
          waitSeconds: null,
          handleSeconds: null,
          resolved: null,
        },
      }),
    ]);
    const value = assessValue(profile, deriveTraits(profile, start + 3 * day), models);
    expect(value.indirectValueMinor).toBe(5000 + 2000 + Math.round(3 * 500) + 300);
    expect(value.predictedValueMinor).toBeNull();
  });

  it("predicts more value for a frequent recent buyer than for one who has gone quiet", () => {
    const frequent = fold([0, 20, 40, 60, 80].map((d) => purchase(d, 4000)));
    const now = start + 85 * day;
    const quiet = fold([0, 5, 10].map((d) => purchase(d, 4000)));
    const frequentValue = assessValue(frequent, deriveTraits(frequent, now), models);
    const quietValue = assessValue(quiet, deriveTraits(quiet, now), models);
    expect(frequentValue.predictedValueMinor).toBeGreaterThan(quietValue.predictedValueMinor as number);
    expect(frequentValue.probabilityAlive).toBeGreaterThan(quietValue.probabilityAlive as number);
  });
});

describe("assessLifecycle", () => {
  const stageAt = (
    touchpoints: Touchpoint[],
    daysAfterStart: number,
    previous: Parameters<typeof assessLifecycle>[3] = null,
    withModels = true,
  ) => {
    const profile = fold(touchpoints);
    const traits = deriveTraits(profile, start + daysAfterStart * day);
    const value = assessValue(profile, traits, withModels ? models : undefined);
    return assessLifecycle(
      traits,
      value,
      valueTier(value, percentiles),
      previous,
      withModels ? models.bgnbd : undefined,
    );
  };
  const regular = [0, 14, 28, 42, 56].map((d) => purchase(d, 30000));

  it.each([
    ["prospect", [touch(0)], 1, null, "prospect"],
    ["new", [purchase(0, 5000)], 10, null, "new"],
    ["loyal", regular, 60, null, "loyal"],
    ["at_risk (overdue against their own rhythm)", regular, 56 + 40, null, "at_risk"],
    ["lapsed (a year without a purchase)", [purchase(0, 5000)], 400, null, "lapsed"],
    ["won_back", [purchase(0, 5000), purchase(400, 5000)], 401, "lapsed", "won_back"],
  ] as const)("%s", (_name, touchpoints, days, previous, stage) => {
    expect(stageAt([...touchpoints], days, previous).stage).toBe(stage);
  });

  it("predicts when an active customer will be at risk, and is right when that day comes", () => {
    const today = stageAt(regular, 60);
    expect(today.nextStage).toBe("at_risk");
    expect(today.daysUntilNextStage).toBeGreaterThan(0);
    const due = 60 + (today.daysUntilNextStage as number);
    expect(stageAt(regular, due - 1).stage).not.toBe("at_risk");
    expect(stageAt(regular, due + 1).stage).toBe("at_risk");
  });
});

describe("mergeProfiles", () => {
  it("gives the same money, days and counts as if one customer had made all the touchpoints", () => {
    const web = [purchase(0, 1000), touch(3, { type: "complaint", sentiment: -0.5 }), purchase(7, 2500, 300)];
    const store = [
      purchase(7, 500),
      touch(9, { type: "return", amount: money(-700) }),
      touch(12, { sentiment: 0.5 }),
    ];
    const together = fold([...web, ...store]);
    for (const merged of [mergeProfiles(fold(web), fold(store)), mergeProfiles(fold(store), fold(web))]) {
      const { recentEventHashes, sentiment, ...rest } = merged;
      const { recentEventHashes: hashes, sentiment: expectedSentiment, ...expected } = together;
      expect({ ...rest, customerId: expected.customerId }).toEqual(expected);
      expect(recentEventHashes.toSorted()).toEqual(hashes.toSorted());
      expect(sentiment).toHaveLength(5);
      for (const [index, value] of sentiment.entries())
        expect(value).toBeCloseTo(expectedSentiment[index] as number, 12);
    }
    expect(channelsOf(together.channelActivity).store?.touchpoints).toBe(6);
    expect(sentimentFields(together.sentiment).sentimentSum).toBe(0);
    expect(sentimentFields(together.sentiment).sentimentSamples).toBe(2);
  });

  it("does not depend on the order in which touchpoints arrive", () => {
    const history = [
      touch(0, { sentiment: 0.9, experience: { ...noExperience, nps: 10 } }),
      purchase(3, 1200),
      touch(20, { sentiment: -0.7, experience: { ...noExperience, nps: 4 } }),
      touch(40, { sentiment: 0.1 }),
    ];
    const forwards = fold(history);
    const backwards = fold([...history].reverse());
    expect(backwards.lastNps).toBe(4);
    const [forwardsSentiment, backwardsSentiment] = [forwards, backwards].map((profile) =>
      sentimentFields(profile.sentiment),
    );
    expect(backwardsSentiment?.sentimentSum).toBeCloseTo(forwardsSentiment?.sentimentSum as number, 12);
    expect(backwardsSentiment?.recentSentiment?.weightedSum).toBeCloseTo(
      forwardsSentiment?.recentSentiment?.weightedSum as number,
      12,
    );
    const now = lastSeenAt(forwards.channelActivity);
    expect(lastSeenAt(backwards.channelActivity)).toBe(now);
    expect(deriveTraits(backwards, now).sentimentTrend).toBeCloseTo(
      deriveTraits(forwards, now).sentimentTrend as number,
      12,
    );
  });
});

describe("ValueDistribution", () => {
  it("places the 20/80 line among the top fifth and follows customers whose value moves", () => {
    const distribution = new ValueDistribution();
    const bucketOf = new Map<number, number>();
    for (let i = 1; i <= 100; i++) bucketOf.set(i, distribution.record(i * 1000));
    const { p40, p80 } = distribution.tierLines();
    expect(p80).toBeGreaterThan(70_000);
    expect(p80).toBeLessThanOrEqual(81_000);
    expect(p40).toBeGreaterThan(30_000);
    expect(p40).toBeLessThanOrEqual(41_000);
    for (let i = 1; i <= 50; i++) bucketOf.set(i, distribution.record(1_000_000, bucketOf.get(i)));
    expect(distribution.tierLines().p40).toBeGreaterThan(50_000);
    distribution.forget(bucketOf.get(100) as number);
    expect(distribution.percentile(1)).toBeGreaterThan(800_000);
    for (let i = 1; i <= 50; i++) distribution.forget(bucketOf.get(i) as number);
    expect(distribution.tierLines().p80).toBeLessThanOrEqual(91_000);
  });
});

describe("eventIdHash", () => {
  it("gives each id its own 52-bit hash, the same on every call, and merges hashes apart from ids", () => {
    const ids = Array.from({ length: 200_000 }, (_, index) => `people-9-${index}`);
    const hashes = ids.map(eventIdHash);
    expect(new Set(hashes).size).toBe(ids.length);
    expect(hashes.every((hash) => Number.isSafeInteger(hash) && hash >= 0 && hash < 2 ** 52)).toBe(true);
    expect(eventIdHash("people-9-7")).toBe(hashes[7]);
    expect(mergeIdHash("merge_1")).not.toBe(eventIdHash("merge_1"));
    expect(mergeIdHash("merge_1")).toBe(eventIdHash("merge:merge_1"));
  });

  it("makes a profile keep the newest 256, so the one before them counts again", () => {
    const touchpoints = Array.from({ length: rememberedEventIds + 1 }, (_, index) => touch(index % 30));
    const profile = fold(touchpoints);
    expect(profile.recentEventHashes).toHaveLength(rememberedEventIds);
    expect(applyTouchpoint(profile, "c", touchpoints.at(-1) as Touchpoint)).toBe(profile);
    expect(applyTouchpoint(profile, "c", touchpoints[0] as Touchpoint)).not.toBe(profile);
  });
});
