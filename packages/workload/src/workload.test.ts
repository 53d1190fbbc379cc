import { identifierKeys, type Touchpoint, validateTouchpoint } from "@cx/contracts";
import { customerIdFor } from "@cx/identity";
import { describe, expect, it } from "vitest";
import { type CustomerKind, createWorkload, type Person, type Workload } from "./index";

const dayMs = 24 * 60 * 60 * 1000;

/** The person behind a touchpoint, through its identifiers (as the pipeline would stitch them). */
function owners(workload: Workload) {
  const byKey = new Map<string, Person>();
  let indexed = 0;
  return (touchpoint: Touchpoint): Person => {
    for (; indexed < workload.persons.length; indexed++) {
      const person = workload.persons[indexed] as Person;
      for (const key of person.identifierKeys()) byKey.set(key, person);
    }
    const person = identifierKeys(touchpoint.identifiers)
      .map((key) => byKey.get(key))
      .find((found) => found !== undefined);
    if (person === undefined) throw new Error(`no person for ${touchpoint.eventId}`);
    return person;
  };
}

/** A year of 3,000 customers, shared by the behaviour tests (about 250k touchpoints). */
const year = (() => {
  const workload = createWorkload({ seed: 3, customers: 3000, days: 365, startAt: Date.UTC(2025, 0, 1) });
  const ownerOf = owners(workload);
  const touchpoints = [...workload.touchpoints()];
  return {
    workload,
    touchpoints,
    owned: touchpoints.map((touchpoint) => [touchpoint, ownerOf(touchpoint)] as const),
  };
})();

const ofKind = (kind: CustomerKind, type?: Touchpoint["type"]) =>
  year.owned.filter(
    ([touchpoint, person]) => person.kind === kind && (type === undefined || touchpoint.type === type),
  );

describe("createWorkload", () => {
  it("gives the same population and stream for the same seed, another for another seed", () => {
    const options = { seed: 11, customers: 300, days: 60, startAt: Date.UTC(2026, 0, 5) };
    const first = createWorkload(options);
    const second = createWorkload(options);
    const stream = [...first.touchpoints()];
    expect(stream.length).toBeGreaterThan(1000);
    expect([...second.touchpoints()]).toEqual(stream);
    expect(second.persons.map((person) => [person.kind, person.identifierKeys()])).toEqual(
      first.persons.map((person) => [person.kind, person.identifierKeys()]),
    );
    const other = [...createWorkload({ ...options, seed: 12 }).touchpoints()];
    expect(other.slice(0, 50)).not.toEqual(stream.slice(0, 50));
  });

  it("streams valid touchpoints in time order with unique event ids, inside the period", () => {
    const { workload, touchpoints } = year;
    const ids = new Set<string>();
    let last = 0;
    for (const touchpoint of touchpoints) {
      expect(validateTouchpoint(touchpoint, workload.endAt)).toBeUndefined();
      expect(touchpoint.occurredAt).toBeGreaterThanOrEqual(last);
      expect(touchpoint.receivedAt).toBeGreaterThanOrEqual(touchpoint.occurredAt);
      last = touchpoint.occurredAt;
      ids.add(touchpoint.eventId);
    }
    expect(ids.size).toBe(touchpoints.length);
    expect(touchpoints[0]?.occurredAt).toBeGreaterThanOrEqual(workload.startAt);
    expect(last).toBeLessThan(workload.endAt);
    const types = new Set(touchpoints.map((touchpoint) => touchpoint.type));
    for (const type of [
      "purchase",
      "return",
      "complaint",
      "service_request",
      "service_resolved",
      "call",
      "review",
      "social_mention",
      "survey_response",
      "referral",
      "consent_change",
      "erasure_request",
      "payment_failed",
      "visit",
      "web_session",
      "cart",
    ] as const)
      expect(types, type).toContain(type);
  });

  it("is lazy: the first touchpoints come before the rest is generated", () => {
    const workload = createWorkload({ seed: 5, customers: 200_000, days: 365 });
    const iterator = workload.touchpoints();
    const started = performance.now();
    for (let index = 0; index < 1000; index++) expect(iterator.next().done).toBe(false);
    expect(performance.now() - started).toBeLessThan(20_000);
    iterator.return(undefined);
    expect(() => workload.touchpoints().next()).toThrow(/once/);
  });

  it("has every kind, with identifiers that overlap across channels", () => {
    const kinds = new Set(year.workload.persons.map((person) => person.kind));
    expect(kinds.size).toBe(8);
    // New customers join during the period, never before their first touchpoint.
    const firstSeen = new Map<Person, number>();
    for (const [touchpoint, person] of year.owned)
      if (!firstSeen.has(person)) firstSeen.set(person, touchpoint.occurredAt);
    const newcomers = year.workload.persons.filter((person) => person.kind === "new");
    expect(
      newcomers.filter((person) => person.joinedAt > year.workload.startAt + 30 * dayMs).length,
    ).toBeGreaterThan(newcomers.length / 2);
    for (const person of newcomers)
      expect(firstSeen.get(person) ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(person.joinedAt);
    const channelsOf = new Map<number, Set<string>>();
    for (const [touchpoint, person] of year.owned) {
      const seen = channelsOf.get(person.index) ?? new Set();
      seen.add(touchpoint.channel);
      channelsOf.set(person.index, seen);
    }
    const multiChannel = [...channelsOf.values()].filter((seen) => seen.size >= 2).length;
    expect(multiChannel / channelsOf.size).toBeGreaterThan(0.5);
    // No touchpoint shows all of a person's identifiers: stitching has work to do.
    const withTwo = year.touchpoints.filter(
      (touchpoint) => identifierKeys(touchpoint.identifiers).length >= 2,
    );
    expect(withTwo.length / year.touchpoints.length).toBeGreaterThan(0.2);
    expect(withTwo.length / year.touchpoints.length).toBeLessThan(0.8);
  });

  it("makes bargain hunters buy on discount and heavy returners return", () => {
    const discountShare = (kind: CustomerKind) => {
      const purchases = ofKind(kind, "purchase");
      return (
        purchases.filter(([touchpoint]) => (touchpoint.amount?.discountMinor ?? 0) > 0).length /
        purchases.length
      );
    };
    expect(discountShare("bargain_hunter")).toBeGreaterThan(0.8);
    expect(discountShare("loyal")).toBeLessThan(0.2);
    const returnShare = (kind: CustomerKind) =>
      ofKind(kind, "return").length / ofKind(kind, "purchase").length;
    expect(returnShare("heavy_returner")).toBeGreaterThan(0.45);
    expect(returnShare("loyal")).toBeLessThan(0.1);
    for (const [touchpoint] of ofKind("heavy_returner", "return"))
      expect(touchpoint.amount?.minor).toBeLessThan(0);
    // Log-normal amounts: a long right tail (mean well above the median).
    const amounts = year.touchpoints
      .filter((touchpoint) => touchpoint.type === "purchase")
      .map((touchpoint) => touchpoint.amount?.minor ?? 0)
      .sort((a, b) => a - b);
    const mean = amounts.reduce((sum, amount) => sum + amount, 0) / amounts.length;
    expect(mean).toBeGreaterThan(1.15 * (amounts[Math.floor(amounts.length / 2)] ?? 0));
  });

  it("lets drifting customers fade until they lapse", () => {
    const { startAt } = year.workload;
    const drifting = ofKind("drifting");
    const inDays = (from: number, to: number) =>
      drifting.filter(
        ([touchpoint]) =>
          touchpoint.occurredAt >= startAt + from * dayMs && touchpoint.occurredAt < startAt + to * dayMs,
      ).length;
    expect(inDays(300, 365)).toBeLessThan(0.15 * inDays(0, 65));
    const loyal = ofKind("loyal");
    const loyalLate = loyal.filter(([touchpoint]) => touchpoint.occurredAt >= startAt + 300 * dayMs).length;
    const loyalEarly = loyal.filter(([touchpoint]) => touchpoint.occurredAt < startAt + 65 * dayMs).length;
    expect(loyalLate).toBeGreaterThan(0.6 * loyalEarly);
  });

  it("makes unhappy customers complain, with waits, resolutions and follow-up surveys", () => {
    const perPerson = (kind: CustomerKind, type: Touchpoint["type"]) =>
      ofKind(kind, type).length / year.workload.persons.filter((person) => person.kind === kind).length;
    expect(perPerson("unhappy", "complaint")).toBeGreaterThan(8 * perPerson("loyal", "complaint"));
    const phoneComplaints = ofKind("unhappy", "complaint").filter(
      ([touchpoint]) => touchpoint.channel === "phone",
    );
    expect(phoneComplaints.every(([touchpoint]) => (touchpoint.experience.waitSeconds ?? -1) >= 0)).toBe(
      true,
    );
    for (const [touchpoint] of ofKind("unhappy", "complaint")) expect(touchpoint.sentiment).toBeLessThan(0);
    const resolutions = year.touchpoints.filter((touchpoint) => touchpoint.type === "service_resolved");
    const solved =
      resolutions.filter((touchpoint) => touchpoint.experience.resolved).length / resolutions.length;
    expect(solved).toBeGreaterThan(0.6);
    expect(solved).toBeLessThan(0.98);
    const nps = (kind: CustomerKind) => {
      const answers = ofKind(kind, "survey_response").map(([touchpoint]) => touchpoint.experience.nps ?? 0);
      return answers.reduce((sum, answer) => sum + answer, 0) / answers.length;
    };
    expect(nps("promoter")).toBeGreaterThan(8.5);
    expect(nps("unhappy")).toBeLessThan(6.5);
    const efforts = year.touchpoints.filter((touchpoint) => touchpoint.experience.effort !== null);
    expect(efforts.length).toBeGreaterThan(0);
  });

  it("lets promoters refer friends who join and buy, and speak up with reach", () => {
    const referrals = ofKind("promoter", "referral");
    expect(referrals.length).toBeGreaterThan(20);
    const friends = year.workload.persons.filter((person) => person.referredBy !== null);
    expect(friends.length).toBeGreaterThan(20);
    const friendKeys = new Set(friends.flatMap((friend) => friend.identifierKeys()));
    for (const [touchpoint] of referrals) expect(friendKeys).toContain(touchpoint.referral?.referredKey);
    const converted =
      referrals.filter(([touchpoint]) => touchpoint.referral?.converted).length / referrals.length;
    expect(converted).toBeGreaterThan(0.3);
    expect(converted).toBeLessThan(0.8);
    const friendIndexes = new Set(friends.map((friend) => friend.index));
    expect(
      year.owned.some(
        ([touchpoint, person]) => friendIndexes.has(person.index) && touchpoint.type === "purchase",
      ),
    ).toBe(true);
    const reach = (kind: CustomerKind) => {
      const mentions = ofKind(kind, "social_mention").map(([touchpoint]) => touchpoint.social?.reach ?? 0);
      return mentions.reduce((sum, value) => sum + value, 0) / mentions.length;
    };
    expect(reach("promoter")).toBeGreaterThan(3 * reach("occasional"));
    const mood = (kind: CustomerKind) => {
      const mentions = ofKind(kind, "social_mention").map(([touchpoint]) => touchpoint.sentiment ?? 0);
      return mentions.reduce((sum, value) => sum + value, 0) / mentions.length;
    };
    expect(mood("promoter")).toBeGreaterThan(0.5);
    expect(mood("unhappy")).toBeLessThan(-0.2);
  });

  it("records consent given and withdrawn per channel, and forgets erased customers", () => {
    const consents = year.touchpoints.filter((touchpoint) => touchpoint.type === "consent_change");
    const scopes = new Set(
      consents.map((touchpoint) => `${touchpoint.consent?.scope}:${touchpoint.consent?.granted}`),
    );
    for (const scope of ["email:true", "sms:true", "push:true", "email:false"])
      expect(scopes).toContain(scope);
    const erasures = year.owned.filter(([touchpoint]) => touchpoint.type === "erasure_request");
    expect(erasures.length).toBeGreaterThan(0);
    expect(erasures.length).toBeLessThan(0.02 * year.workload.persons.length);
    for (const [request, person] of erasures) {
      const later = year.owned.filter(
        ([touchpoint, owner]) => owner === person && touchpoint.occurredAt > request.occurredAt,
      );
      expect(later).toEqual([]);
    }
  });

  it("follows the rhythms: Saturdays in store, December, paydays", () => {
    const purchases = year.touchpoints.filter((touchpoint) => touchpoint.type === "purchase");
    const local = (touchpoint: Touchpoint) => new Date(touchpoint.occurredAt + 3_600_000);
    const storeOn = (weekday: number) =>
      purchases.filter(
        (touchpoint) => touchpoint.channel === "store" && local(touchpoint).getUTCDay() === weekday,
      ).length;
    expect(storeOn(6)).toBeGreaterThan(1.8 * storeOn(2)); // Saturday vs Tuesday
    expect(storeOn(0)).toBeLessThan(0.3 * storeOn(2)); // Sundays, shops closed
    const inMonth = (month: number) =>
      purchases.filter((touchpoint) => local(touchpoint).getUTCMonth() === month).length;
    expect(inMonth(11)).toBeGreaterThan(1.5 * inMonth(5)); // December vs June
    const perDay = (dates: (date: number) => boolean) => {
      const days = new Set<string>();
      let count = 0;
      for (const touchpoint of purchases) {
        const date = local(touchpoint);
        if (!dates(date.getUTCDate())) continue;
        count++;
        days.add(date.toISOString().slice(0, 10));
      }
      return count / days.size;
    };
    expect(perDay((date) => date >= 25 || date === 1)).toBeGreaterThan(
      1.2 * perDay((date) => date >= 12 && date <= 20),
    );
    const webHours = new Array(24).fill(0);
    for (const touchpoint of year.touchpoints)
      if (touchpoint.type === "web_session") webHours[local(touchpoint).getUTCHours()]++;
    expect(webHours[20]).toBeGreaterThan(3 * webHours[4]);
  });

  it("maps pipeline customer ids back to persons, derived or linked", () => {
    const workload = createWorkload({ seed: 2, customers: 50, days: 10 });
    const person = workload.persons[7] as Person;
    for (const key of person.identifierKeys()) expect(workload.personOf(customerIdFor(key))).toBe(person);
    expect(workload.personOf("cus_unknown")).toBeUndefined();
    expect(workload.link("cus_from_enricher", { ...person.identifiers(), loyaltyId: null })).toBe(person);
    expect(workload.personOf("cus_from_enricher")).toBe(person);
  });
});
