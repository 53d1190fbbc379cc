import { describe, expect, it } from "vitest";
import {
  customerIdFor,
  defaultIdentityLimits,
  type IdentityChangelogValue,
  IdentityGraph,
  type IdentityGraphState,
} from "./index";

const hash = (name: string) => name.padEnd(64, "0");
const web = [`email:${hash("e1")}`, "device:d1"];
const store = ["loyalty:L1", `email:${hash("e1")}`];
const phone = ["loyalty:L1", `phone:${hash("p1")}`];

describe("IdentityGraph", () => {
  it("makes one customer of someone seen on the web, then in store, then on the phone", () => {
    const graph = new IdentityGraph();
    const first = graph.resolve(web, "w1");
    const second = graph.resolve(store, "s1");
    const third = graph.resolve(phone, "p1");
    expect(second.customerId).toBe(first.customerId);
    expect(third.customerId).toBe(first.customerId);
    expect(first.customerId).toBe(customerIdFor("device:d1"));
    expect(graph.identifiersOf(first.customerId)).toEqual(
      ["device:d1", `email:${hash("e1")}`, "loyalty:L1", `phone:${hash("p1")}`].sort(),
    );
    expect(third.events).toEqual([
      {
        type: "identifiers_linked",
        customerId: first.customerId,
        identifiers: [`phone:${hash("p1")}`],
        eventId: "p1",
      },
    ]);
  });

  it("merges two known customers into the older one when they meet, and says so", () => {
    const graph = new IdentityGraph();
    const older = graph.resolve([`email:${hash("a")}`], "t1").customerId;
    const younger = graph.resolve(["device:tablet"], "t2").customerId;
    const meeting = graph.resolve(["device:tablet", `email:${hash("a")}`], "t3");
    expect(meeting.customerId).toBe(older);
    expect(meeting.events).toEqual([
      expect.objectContaining({
        type: "customers_merged",
        survivorId: older,
        mergedId: younger,
        movedIdentifiers: ["device:tablet"],
      }),
    ]);
    expect(graph.customerOf("device:tablet")).toBe(older);
  });

  it("is deterministic and idempotent", () => {
    const run = () => {
      const graph = new IdentityGraph();
      const events = [web, store, phone, ["device:d2"], ["device:d2", "loyalty:L1"]].flatMap(
        (ids, i) => graph.resolve(ids, `t${i}`).events,
      );
      return { events, state: graph.state() };
    };
    expect(run()).toEqual(run());
    const graph = new IdentityGraph();
    graph.resolve(store, "s1");
    const again = graph.resolve(store, "s1");
    expect(again.events).toEqual([]);
  });

  it("stops a shared identifier from fusing strangers, and marks it shared", () => {
    const graph = new IdentityGraph({ perKind: { loyalty: 2, email: 2, phone: 3, device: 8, social: 4 } });
    const shopCard = "loyalty:SHOP";
    const customers = ["x", "y", "z", "w"].map((person) =>
      graph.resolve([shopCard, `email:${hash(person)}`], `buy-${person}`),
    );
    // The card joins the first two emails (within the limit of two); the third would exceed it.
    expect(customers[1]?.customerId).toBe(customers[0]?.customerId);
    expect(customers[2]?.customerId).not.toBe(customers[0]?.customerId);
    expect(customers[2]?.events[0]).toMatchObject({
      type: "link_blocked",
      identifiers: [shopCard],
      reason: expect.stringMatching(/2 email|3 email/),
    });
    expect(graph.isShared(shopCard)).toBe(true);
    // Once shared, the card decides nothing: each further email is its own customer.
    expect(customers[3]?.customerId).not.toBe(customers[2]?.customerId);
    expect(customers[3]?.customerId).toBe(customerIdFor(`email:${hash("w")}`));
  });

  it("undoes a merge on an operator's command and does not merge the two again", () => {
    const graph = new IdentityGraph();
    const alice = graph.resolve([`email:${hash("alice")}`], "t1").customerId;
    const bob = graph.resolve([`phone:${hash("bob")}`], "t2").customerId;
    const merged = graph.resolve([`email:${hash("alice")}`, `phone:${hash("bob")}`], "t3");
    const mergeEvent = merged.events.find((event) => event.type === "customers_merged");
    if (mergeEvent?.type !== "customers_merged") throw new Error("expected a merge");
    expect(graph.undoMerge(mergeEvent.mergeId)).toEqual([
      {
        type: "merge_undone",
        mergeId: mergeEvent.mergeId,
        survivorId: alice,
        restoredId: bob,
        restoredIdentifiers: [`phone:${hash("bob")}`],
      },
    ]);
    expect(graph.customerOf(`phone:${hash("bob")}`)).toBe(bob);
    const again = graph.resolve([`email:${hash("alice")}`, `phone:${hash("bob")}`], "t4");
    expect(again.customerId).toBe(alice);
    expect(again.events).toEqual([
      expect.objectContaining({ type: "link_blocked", reason: "an operator separated these customers" }),
    ]);
    expect(() => graph.undoMerge("merge_unknown")).toThrow(/no merge/);
  });

  it("survives a round trip through its serializable state", () => {
    const graph = new IdentityGraph();
    for (const [i, ids] of [web, store, phone].entries()) graph.resolve(ids, `t${i}`);
    const restored = IdentityGraph.fromState(JSON.parse(JSON.stringify(graph.state())));
    expect(restored.state()).toEqual(graph.state());
    expect(restored.resolve(["device:d1", "social:x:@new"], "t9").customerId).toBe(
      graph.customerOf("device:d1"),
    );
  });

  it("rebuilds itself from the latest changelog entry per key, through merges, undos and shared ids", () => {
    const graph = new IdentityGraph({ perKind: { ...defaultIdentityLimits.perKind, email: 2 } });
    const latest = new Map<string, IdentityChangelogValue | null>();
    const drain = () => {
      for (const { key, value } of graph.takeChanges()) latest.set(key, value);
    };
    graph.resolve([`email:${hash("a")}`], "t1");
    graph.resolve(["device:tablet"], "t2");
    drain();
    const meeting = graph.resolve(["device:tablet", `email:${hash("a")}`], "t3");
    drain();
    const merge = meeting.events.find((event) => event.type === "customers_merged");
    graph.undoMerge((merge as { mergeId: string }).mergeId);
    graph.resolve(["loyalty:SHOP", `email:${hash("b")}`], "t4");
    graph.resolve(["loyalty:SHOP", `email:${hash("c")}`], "t5");
    graph.resolve(["loyalty:SHOP", `email:${hash("d")}`], "t6");
    drain();
    expect(graph.takeChanges()).toEqual([]);
    const live = [...latest.values()].filter((value): value is IdentityChangelogValue => value !== null);
    const rebuilt = IdentityGraph.fromChangelog(JSON.parse(JSON.stringify(live)));
    const sorted = (state: IdentityGraphState) => ({
      ...state,
      customers: [...state.customers].sort((a, b) => a.id.localeCompare(b.id)),
      shared: [...state.shared].sort(),
    });
    expect(sorted(rebuilt.state())).toEqual(sorted(graph.state()));
    expect(graph.isShared("loyalty:SHOP")).toBe(true);
  });

  it("keeps no changelog when told nobody takes it, and resolves the same", () => {
    const kept = new IdentityGraph();
    const unkept = new IdentityGraph(defaultIdentityLimits, { keepChangelog: false });
    const touches = [[`email:${hash("a")}`], ["device:d1"], ["device:d1", `email:${hash("a")}`]];
    const resolved = (graph: IdentityGraph) =>
      touches.map((identifiers, i) => graph.resolve(identifiers, `t${i}`));
    expect(resolved(unkept)).toEqual(resolved(kept));
    expect(unkept.takeChanges()).toEqual([]);
    expect(kept.takeChanges().length).toBeGreaterThan(0);
  });

  it("erases a customer with the customers merged into them, leaving tombstones and no trace", () => {
    const graph = new IdentityGraph();
    const alice = graph.resolve([`email:${hash("alice")}`], "t1").customerId;
    const bob = graph.resolve([`phone:${hash("bob")}`], "t2").customerId;
    graph.resolve([`email:${hash("alice")}`, `phone:${hash("bob")}`], "t3");
    const carol = graph.resolve(["loyalty:C"], "t4").customerId;
    graph.takeChanges();

    expect(graph.erase(alice)).toEqual([alice, bob]);
    expect(graph.customerOf(`email:${hash("alice")}`)).toBeUndefined();
    expect(graph.customerOf(`phone:${hash("bob")}`)).toBeUndefined();
    expect(graph.customerOf("loyalty:C")).toBe(carol);
    const changes = graph.takeChanges();
    expect(changes.every((change) => change.value === null)).toBe(true);
    expect(changes.map((change) => change.key)).toEqual(
      expect.arrayContaining([`customer:${alice}`, `customer:${bob}`, expect.stringMatching(/^merge:/)]),
    );
    expect(JSON.stringify(graph.state())).not.toMatch(/alice|bob/);
    expect(graph.erase(alice)).toEqual([]);
    // Seen again after erasure: a new customer, nothing linked from before.
    const back = graph.resolve([`phone:${hash("bob")}`], "t5");
    expect(back.events).toEqual([expect.objectContaining({ type: "customer_created" })]);
  });
});
