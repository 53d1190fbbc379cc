import { identifierKeys, validateTouchpoint } from "@cx/contracts";
import { customerIdFor } from "@cx/identity";
import { describe, expect, it } from "vitest";
import { type CustomerKind, createWorkload, type OfferToAnswer, type Person, type Workload } from "./index";

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const customerIdOf = (person: Person) => customerIdFor(person.identifierKeys()[0] as string);

function offerTo(
  person: Person,
  kind: string,
  decisionId: string,
  decidedAt: number,
  channel = "email",
): OfferToAnswer {
  return {
    decisionId,
    customerId: customerIdOf(person),
    offerId: `${kind}-offer`,
    kind,
    channel,
    decidedAt,
    expiresAt: decidedAt + 7 * dayMs,
  };
}

/** Share of accepted answers for many offers of one kind to persons of one kind. */
function acceptance(workload: Workload, customerKind: CustomerKind, offerKind: string) {
  const persons = workload.persons.filter((person) => person.kind === customerKind);
  const outcomes = persons.flatMap((person, index) =>
    [0, 1, 2, 3].map(
      (round) =>
        workload.respondToOffer(
          offerTo(
            person,
            offerKind,
            `d-${offerKind}-${person.index}-${index}-${round}`,
            workload.startAt + dayMs,
          ),
        )?.offerResponse?.outcome,
    ),
  );
  return outcomes.filter((outcome) => outcome === "accepted").length / outcomes.length;
}

describe("respondToOffer", () => {
  const options = { seed: 9, customers: 2000, days: 60, startAt: Date.UTC(2026, 2, 1) };

  it("answers with a valid offer_response carrying the decision, later and before expiry", () => {
    const workload = createWorkload(options);
    let answered = 0;
    for (const person of workload.persons.slice(0, 300)) {
      const offer = offerTo(person, "discount", `dec-${person.index}`, workload.startAt + 3 * dayMs);
      const answer = workload.respondToOffer(offer);
      if (answer === null) continue;
      answered++;
      expect(validateTouchpoint(answer, workload.endAt + 30 * dayMs)).toBeUndefined();
      expect(answer.type).toBe("offer_response");
      expect(answer.offerResponse).toMatchObject({ decisionId: offer.decisionId, offerId: offer.offerId });
      expect(answer.occurredAt).toBeGreaterThan(offer.decidedAt);
      expect(answer.occurredAt).toBeLessThanOrEqual(offer.expiresAt);
      expect(answer.channel).toBe("web");
      // The answer names the person through identifiers the enricher links to the same customer.
      const keys = new Set(person.identifierKeys());
      expect(
        Object.values(answer.identifiers).some(
          (value) => value !== null && [...keys].some((key) => key.endsWith(`:${value}`)),
        ),
      ).toBe(true);
      if (answer.offerResponse?.outcome === "accepted") expect(answer.amount?.minor).toBeGreaterThan(0);
    }
    expect(answered).toBeGreaterThan(100);
    expect(answered).toBeLessThan(300);
  });

  it("is deterministic per seed and decision, whatever the order of calls", () => {
    const first = createWorkload(options);
    const second = createWorkload(options);
    const offers = first.persons
      .slice(0, 200)
      .map((person) => offerTo(person, "early_access", `ea-${person.index}`, first.startAt + dayMs, "push"));
    const forward = offers.map((offer) => first.respondToOffer(offer));
    const backward = [...offers]
      .reverse()
      .map((offer) => second.respondToOffer(offer))
      .reverse();
    expect(backward).toEqual(forward);
    expect(offers.map((offer) => first.respondToOffer(offer))).toEqual(forward);
    expect(
      new Set(forward.map((answer) => answer?.offerResponse?.outcome ?? "none")).size,
    ).toBeGreaterThanOrEqual(3);
  });

  it("fits the person: bargain hunters take discounts, unhappy customers take recovery, promoters co-create", () => {
    const workload = createWorkload(options);
    expect(acceptance(workload, "bargain_hunter", "discount")).toBeGreaterThan(0.5);
    expect(acceptance(workload, "unhappy", "discount")).toBeLessThan(0.15);
    expect(acceptance(workload, "unhappy", "service_recovery")).toBeGreaterThan(0.45);
    expect(acceptance(workload, "promoter", "co_creation")).toBeGreaterThan(0.45);
    expect(acceptance(workload, "occasional", "co_creation")).toBeLessThan(0.15);
  });

  it("answers nothing for an unknown customer, and phone offers within the call", () => {
    const workload = createWorkload(options);
    const person = workload.persons[0] as Person;
    expect(
      workload.respondToOffer({
        ...offerTo(person, "discount", "x", workload.startAt),
        customerId: "cus_nobody",
      }),
    ).toBeNull();
    const phoneAnswers = workload.persons
      .slice(0, 300)
      .map((somebody) =>
        workload.respondToOffer(
          offerTo(somebody, "service_recovery", `ph-${somebody.index}`, workload.startAt, "phone"),
        ),
      )
      .filter((answer) => answer !== null);
    expect(phoneAnswers.length).toBeGreaterThan(0);
    for (const answer of phoneAnswers) {
      expect(answer.channel).toBe("phone");
      expect(answer.occurredAt - workload.startAt).toBeLessThan(2 * hourMs);
    }
  });

  it("brings a lapsed drifting customer back when a win-back is accepted", () => {
    const lapsedAfter = (answer: boolean) => {
      const workload = createWorkload({ ...options, customers: 600, days: 240 });
      const drifting = workload.persons.filter((person) => person.kind === "drifting");
      const midway = workload.startAt + 150 * dayMs;
      const keys = new Map(
        drifting.flatMap((person) => person.identifierKeys().map((key) => [key, person] as const)),
      );
      let late = 0;
      let answered = false;
      for (const touchpoint of workload.touchpoints()) {
        if (touchpoint.occurredAt >= midway && !answered) {
          answered = true;
          if (answer) {
            for (const person of drifting) {
              for (let attempt = 0; attempt < 20; attempt++) {
                const reply = workload.respondToOffer(
                  offerTo(person, "win_back", `wb-${person.index}-${attempt}`, midway),
                );
                if (reply?.offerResponse?.outcome === "accepted") break;
              }
            }
          }
        }
        if (touchpoint.occurredAt < midway + 10 * dayMs) continue;
        const owner = identifierKeys(touchpoint.identifiers)
          .map((key) => keys.get(key))
          .find((person) => person !== undefined);
        if (owner !== undefined) late++;
      }
      return late;
    };
    expect(lapsedAfter(true)).toBeGreaterThan(3 * lapsedAfter(false) + 20);
  });
});
