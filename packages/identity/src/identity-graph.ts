import { createHash } from "node:crypto";
import { type IdentifierKind, identifierKind } from "@cx/contracts";
import type { IdentityEvent } from "./identity-events";
import { defaultIdentityLimits, type IdentityLimits } from "./identity-limits";

interface CustomerNode {
  readonly id: string;
  /** Order of creation; on a merge the older customer survives, so ids stay stable. */
  readonly created: number;
  /**
   * In the order they were linked. An array replaced on change, not a Set: a person has a handful,
   * and an exact-size array costs a fraction of a Set's memory.
   */
  identifiers: readonly string[];
}

export interface MergeRecord {
  readonly survivorId: string;
  readonly mergedId: string;
  readonly mergedCreated: number;
  readonly movedIdentifiers: string[];
}

export interface Resolution {
  /** The customer the touchpoint belongs to. */
  readonly customerId: string;
  readonly events: IdentityEvent[];
}

/** Serializable state, for the enricher's changelog. */
export interface IdentityGraphState {
  readonly customers: { id: string; created: number; identifiers: string[] }[];
  readonly merges: ({ mergeId: string } & MergeRecord)[];
  readonly separated: string[];
  readonly shared: string[];
  readonly sequence: number;
}

/**
 * One entry of the graph's changelog (a compacted topic keyed by `changelogKey`): exactly one field
 * is set. Replaying the latest entry per key rebuilds the graph (IdentityGraph.fromChangelog).
 */
export interface IdentityChangelogValue {
  readonly customer: { id: string; created: number; identifiers: string[] } | null;
  readonly merge: ({ mergeId: string } & MergeRecord) | null;
  readonly separatedPair: string | null;
  readonly sharedIdentifier: string | null;
}

export interface IdentityChangelogEntry {
  readonly key: string;
  /** null deletes the key (a merged-away customer, an undone merge). */
  readonly value: IdentityChangelogValue | null;
}

const noEntry: IdentityChangelogValue = {
  customer: null,
  merge: null,
  separatedPair: null,
  sharedIdentifier: null,
};

/**
 * `prefix` and the first `bytes` of the SHA-256 of `text` in hex, as one flat string: a slice of the
 * whole digest's hex would keep the digest alive, and `+` a rope over both, in every id the graph
 * and the profiles hold.
 */
function hashedId(prefix: string, text: string, bytes: number): string {
  return [prefix, createHash("sha256").update(text).digest().toString("hex", 0, bytes)].join("");
}

/** A customer id derived from the identifier that created it: the same on every run and instance. */
export function customerIdFor(identifier: string): string {
  return hashedId("cus_", identifier, 10);
}

/** The first in sort order (what sort()[0] gives), without sorting a copy. */
function smallest(items: readonly string[]): string {
  let first = items[0] as string;
  for (const item of items) if (item < first) first = item;
  return first;
}

const pairKey = (left: string, right: string) => (left < right ? `${left}|${right}` : `${right}|${left}`);

/**
 * Links identifiers seen together into customers. Deterministic: the same touchpoints in the same
 * order give the same customers, ids and events. Idempotent: resolving a touchpoint again changes
 * nothing, since its identifiers are already linked.
 */
export class IdentityGraph {
  private readonly owner = new Map<string, string>();
  private readonly customers = new Map<string, CustomerNode>();
  private readonly merges = new Map<string, MergeRecord>();
  /** Pairs an operator split apart; they are never merged again automatically. */
  private readonly separated = new Set<string>();
  /** Identifiers found to be shared by several people; they no longer decide who a touchpoint is. */
  private readonly shared = new Set<string>();
  private sequence = 0;
  /** Changelog keys changed since the last takeChanges(). */
  private readonly dirty = new Set<string>();

  /**
   * `keepChangelog: false` for a graph whose changes nobody takes (the in-process enricher): it
   * would otherwise remember a key per customer for a changelog that is never written.
   */
  private readonly tightestLimit: number;

  constructor(
    private readonly limits: IdentityLimits = defaultIdentityLimits,
    private readonly options: { readonly keepChangelog?: boolean } = {},
  ) {
    this.tightestLimit = Math.min(...Object.values(limits.perKind));
  }

  private markChanged(key: string): void {
    if (this.options.keepChangelog !== false) this.dirty.add(key);
  }

  customerOf(identifier: string): string | undefined {
    return this.owner.get(identifier);
  }

  identifiersOf(customerId: string): string[] {
    return [...(this.customers.get(customerId)?.identifiers ?? [])].sort();
  }

  /**
   * The customer of a touchpoint with these identifiers (strongest first, as identifierKeys gives
   * them). Unknown identifiers are linked to it; customers that meet in one touchpoint are merged
   * into the oldest, unless the limits or an operator's separation forbid it.
   */
  resolve(identifiers: readonly string[], eventId: string): Resolution {
    if (identifiers.length === 0) throw new Error("a touchpoint without identifiers cannot be resolved");
    const events: IdentityEvent[] = [];
    return { customerId: this.resolveInto(identifiers, eventId, events), events };
  }

  isShared(identifier: string): boolean {
    return this.shared.has(identifier);
  }

  private resolveInto(identifiers: readonly string[], eventId: string, events: IdentityEvent[]): string {
    // Shared identifiers only decide when nothing else is there (the shop's card used alone).
    const personal = this.withoutShared(identifiers);
    const usable = personal.length > 0 ? personal : identifiers;
    // Customers in the order of their strongest identifier here, and the identifiers nobody has yet.
    // Grown with concat: a pushed-to array reserves 17 slots, and this runs for every touchpoint.
    let known: readonly string[] = [];
    let unknown: readonly string[] = [];
    for (const identifier of usable) {
      const owner = this.owner.get(identifier);
      if (owner === undefined) unknown = unknown.concat(identifier);
      else if (!known.includes(owner)) known = known.concat(owner);
    }

    if (known.length === 0) {
      const customer = this.create(customerIdFor(smallest(unknown)));
      const accepted = this.attachWithinLimits(customer, unknown, eventId, events);
      events.push({ type: "customer_created", customerId: customer.id, identifiers: accepted, eventId });
      return customer.id;
    }

    // The customer of the strongest identifier is who the touchpoint is about if a merge is refused.
    let customer = this.customers.get(known[0] as string) as CustomerNode;
    for (let i = 1; i < known.length; i++) {
      const other = this.customers.get(known[i] as string) as CustomerNode;
      const refusal = this.mergeRefusal(customer, other);
      if (refusal) {
        events.push({
          type: "link_blocked",
          customerIds: [customer.id, other.id],
          identifiers: [...usable],
          reason: refusal,
          eventId,
        });
        continue;
      }
      customer = this.merge(customer, other, eventId, events);
    }

    const refusal = this.overLimit(customer.identifiers, unknown);
    if (refusal && personal.length > 0) {
      // New identifiers would push this customer past what one person has: the identifiers that
      // tie the touchpoint to them are shared (a shop's card, a family tablet). Mark them, and
      // resolve the touchpoint by its other identifiers.
      const connecting = usable.filter((identifier) => this.owner.get(identifier) === customer.id);
      for (const identifier of connecting) {
        this.shared.add(identifier);
        this.markChanged(`shared:${identifier}`);
      }
      events.push({
        type: "link_blocked",
        customerIds: [customer.id],
        identifiers: connecting,
        reason: `${refusal}; marked shared`,
        eventId,
      });
      return this.resolveInto(identifiers, eventId, events);
    }
    const accepted = this.attachWithinLimits(customer, unknown, eventId, events);
    if (accepted.length > 0)
      events.push({ type: "identifiers_linked", customerId: customer.id, identifiers: accepted, eventId });
    return customer.id;
  }

  /** Splits a merge apart again (operator command) and keeps the two from being merged again. */
  undoMerge(mergeId: string): IdentityEvent[] {
    const record = this.merges.get(mergeId);
    if (!record) throw new Error(`no merge ${mergeId}`);
    const survivor = this.customers.get(record.survivorId);
    if (!survivor)
      throw new Error(
        `merge ${mergeId}: customer ${record.survivorId} no longer exists (merged again since?)`,
      );
    const restoredIdentifiers = record.movedIdentifiers.filter((identifier) =>
      survivor.identifiers.includes(identifier),
    );
    const restored: CustomerNode = {
      id: record.mergedId,
      created: record.mergedCreated,
      identifiers: restoredIdentifiers,
    };
    this.customers.set(restored.id, restored);
    survivor.identifiers = survivor.identifiers.filter(
      (identifier) => !restoredIdentifiers.includes(identifier),
    );
    for (const identifier of restoredIdentifiers) this.owner.set(identifier, restored.id);
    this.merges.delete(mergeId);
    const pair = pairKey(record.survivorId, record.mergedId);
    this.separated.add(pair);
    for (const key of [
      `customer:${survivor.id}`,
      `customer:${restored.id}`,
      `merge:${mergeId}`,
      `separated:${pair}`,
    ])
      this.markChanged(key);
    return [
      {
        type: "merge_undone",
        mergeId,
        survivorId: survivor.id,
        restoredId: restored.id,
        restoredIdentifiers,
      },
    ];
  }

  /**
   * Forgets a customer (an erasure request): their identifiers, the customers merged into them and
   * the merge and separation records that name any of them. Returns every customer id erased, the
   * customer's own first, so downstream can erase what it holds under each. Shared identifiers
   * stay marked: they describe a shop's card or a family tablet, not this person.
   */
  erase(customerId: string): string[] {
    if (!this.customers.has(customerId)) return [];
    const erased = [customerId];
    for (let index = 0; index < erased.length; index++) {
      const survivorId = erased[index];
      for (const [mergeId, record] of this.merges) {
        if (record.survivorId !== survivorId) continue;
        if (!erased.includes(record.mergedId)) erased.push(record.mergedId);
        this.merges.delete(mergeId);
        this.markChanged(`merge:${mergeId}`);
      }
    }
    const gone = new Set(erased);
    for (const id of erased) {
      for (const identifier of this.customers.get(id)?.identifiers ?? []) this.owner.delete(identifier);
      this.customers.delete(id);
      this.markChanged(`customer:${id}`);
    }
    for (const [mergeId, record] of this.merges)
      if (gone.has(record.mergedId)) {
        this.merges.delete(mergeId);
        this.markChanged(`merge:${mergeId}`);
      }
    for (const pair of this.separated)
      if (pair.split("|").some((id) => gone.has(id))) {
        this.separated.delete(pair);
        this.markChanged(`separated:${pair}`);
      }
    return erased;
  }

  state(): IdentityGraphState {
    return {
      customers: [...this.customers.values()].map((customer) => ({
        id: customer.id,
        created: customer.created,
        identifiers: [...customer.identifiers].sort(),
      })),
      merges: [...this.merges].map(([mergeId, record]) => ({ mergeId, ...record })),
      separated: [...this.separated],
      shared: [...this.shared],
      sequence: this.sequence,
    };
  }

  /** The changelog entries for everything changed since the last call, in a deterministic order. */
  takeChanges(): IdentityChangelogEntry[] {
    const entries = [...this.dirty].sort().map((key) => ({ key, value: this.changelogValue(key) }));
    this.dirty.clear();
    return entries;
  }

  private changelogValue(key: string): IdentityChangelogValue | null {
    const at = key.indexOf(":");
    const [kind, name] = [key.slice(0, at), key.slice(at + 1)];
    if (kind === "customer") {
      const customer = this.customers.get(name);
      return customer
        ? {
            ...noEntry,
            customer: {
              id: customer.id,
              created: customer.created,
              identifiers: [...customer.identifiers].sort(),
            },
          }
        : null;
    }
    if (kind === "merge") {
      const record = this.merges.get(name);
      return record ? { ...noEntry, merge: { mergeId: name, ...record } } : null;
    }
    if (kind === "separated") return this.separated.has(name) ? { ...noEntry, separatedPair: name } : null;
    return this.shared.has(name) ? { ...noEntry, sharedIdentifier: name } : null;
  }

  /** Rebuilds a graph from the latest changelog value of every key (tombstoned keys left out). */
  static fromChangelog(values: Iterable<IdentityChangelogValue>, limits?: IdentityLimits): IdentityGraph {
    const state = {
      customers: [] as IdentityGraphState["customers"],
      merges: [] as ({ mergeId: string } & MergeRecord)[],
      separated: [] as string[],
      shared: [] as string[],
      sequence: 0,
    };
    for (const value of values) {
      if (value.customer) {
        state.customers.push(value.customer);
        state.sequence = Math.max(state.sequence, value.customer.created + 1);
      }
      if (value.merge) {
        state.merges.push(value.merge);
        state.sequence = Math.max(state.sequence, value.merge.mergedCreated + 1);
      }
      if (value.separatedPair) state.separated.push(value.separatedPair);
      if (value.sharedIdentifier) state.shared.push(value.sharedIdentifier);
    }
    return IdentityGraph.fromState(state, limits);
  }

  static fromState(state: IdentityGraphState, limits?: IdentityLimits): IdentityGraph {
    const graph = new IdentityGraph(limits);
    for (const customer of state.customers) {
      graph.customers.set(customer.id, {
        id: customer.id,
        created: customer.created,
        // A copy sized exactly (a spread would reserve room), as it is kept per customer.
        identifiers: customer.identifiers.slice(),
      });
      for (const identifier of customer.identifiers) graph.owner.set(identifier, customer.id);
    }
    for (const { mergeId, ...record } of state.merges) graph.merges.set(mergeId, record);
    for (const pair of state.separated) graph.separated.add(pair);
    for (const identifier of state.shared) graph.shared.add(identifier);
    graph.sequence = state.sequence;
    return graph;
  }

  private create(preferredId: string): CustomerNode {
    let id = preferredId;
    for (let suffix = 2; this.customers.has(id); suffix++) id = `${preferredId}_${suffix}`;
    const customer: CustomerNode = { id, created: this.sequence++, identifiers: [] };
    this.customers.set(id, customer);
    this.markChanged(`customer:${id}`);
    return customer;
  }

  /** Why one customer cannot hold both lists of identifiers, if they cannot. */
  private overLimit(identifiers: readonly string[], more: readonly string[]): string | undefined {
    // Most customers have fewer identifiers than the tightest limit allows of any one kind.
    if (identifiers.length + more.length <= this.tightestLimit) return undefined;
    const counts = new Map<IdentifierKind, number>();
    for (const list of [identifiers, more])
      for (const identifier of list) {
        const kind = identifierKind(identifier);
        counts.set(kind, (counts.get(kind) ?? 0) + 1);
      }
    for (const [kind, count] of counts) {
      const limit = this.limits.perKind[kind];
      if (count > limit)
        return `would give one customer ${count} ${kind} identifiers (limit ${limit}); likely a shared identifier`;
    }
    return undefined;
  }

  private withoutShared(identifiers: readonly string[]): readonly string[] {
    for (const identifier of identifiers)
      if (this.shared.has(identifier)) return identifiers.filter((candidate) => !this.shared.has(candidate));
    return identifiers;
  }

  private mergeRefusal(left: CustomerNode, right: CustomerNode): string | undefined {
    if (this.separated.has(pairKey(left.id, right.id))) return "an operator separated these customers";
    return this.overLimit(left.identifiers, right.identifiers);
  }

  private merge(
    left: CustomerNode,
    right: CustomerNode,
    eventId: string,
    events: IdentityEvent[],
  ): CustomerNode {
    const [survivor, merged] =
      left.created < right.created || (left.created === right.created && left.id < right.id)
        ? [left, right]
        : [right, left];
    const movedIdentifiers = merged.identifiers.toSorted();
    survivor.identifiers = survivor.identifiers.concat(movedIdentifiers);
    for (const identifier of movedIdentifiers) this.owner.set(identifier, survivor.id);
    this.customers.delete(merged.id);
    this.markChanged(`customer:${survivor.id}`);
    this.markChanged(`customer:${merged.id}`);
    const mergeId = hashedId("merge_", `${survivor.id}|${merged.id}|${eventId}`, 8);
    this.merges.set(mergeId, {
      survivorId: survivor.id,
      mergedId: merged.id,
      mergedCreated: merged.created,
      movedIdentifiers,
    });
    this.markChanged(`merge:${mergeId}`);
    events.push({
      type: "customers_merged",
      mergeId,
      survivorId: survivor.id,
      mergedId: merged.id,
      movedIdentifiers,
      eventId,
    });
    return survivor;
  }

  /** Links what fits within the limits (a touchpoint can itself carry too many, e.g. 5 emails). */
  private attachWithinLimits(
    customer: CustomerNode,
    identifiers: readonly string[],
    eventId: string,
    events: IdentityEvent[],
  ): string[] {
    const accepted: string[] = [];
    for (const identifier of identifiers) {
      const refusal = this.overLimit(customer.identifiers, [identifier]);
      if (refusal) {
        events.push({
          type: "link_blocked",
          customerIds: [customer.id],
          identifiers: [identifier],
          reason: refusal,
          eventId,
        });
        continue;
      }
      customer.identifiers = customer.identifiers.concat(identifier);
      this.owner.set(identifier, customer.id);
      accepted.push(identifier);
      this.markChanged(`customer:${customer.id}`);
    }
    return accepted;
  }
}
