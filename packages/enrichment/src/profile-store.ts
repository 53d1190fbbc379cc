import type { Touchpoint } from "@cx/contracts";
import {
  applyTouchpoint,
  assessLifecycle,
  assessValue,
  type CustomerProfile,
  type CustomerValue,
  deriveTraits,
  type IndirectValueWeights,
  type LifecycleAssessment,
  type LifecycleRules,
  type LifecycleStage,
  lastSeenAt,
  mergeIdHash,
  mergeProfiles,
  rankingValue,
  rememberEvent,
  type Traits,
  ValueDistribution,
  type ValueModels,
  type ValueTier,
  valueTier,
} from "@cx/customer-profile";

export interface ProfileOptions {
  /** Fitted BG/NBD and Gamma-Gamma parameters; without them value and lifecycle use history alone. */
  readonly models?: ValueModels;
  readonly lifecycleRules?: LifecycleRules;
  readonly indirectValueWeights?: IndirectValueWeights;
}

/** What downstream sees of the customer with each touchpoint. */
export interface ProfileSnapshot {
  readonly customerId: string;
  readonly traits: Traits;
  readonly value: CustomerValue;
  readonly tier: ValueTier;
  readonly lifecycle: LifecycleAssessment;
}

export interface StageChange {
  readonly customerId: string;
  readonly from: LifecycleStage | null;
  readonly to: LifecycleStage;
  readonly at: number;
  /** The touchpoint (or merge) that moved the customer. */
  readonly eventId: string;
}

/** What is kept per customer, and written to the profile changelog. */
export interface CustomerState {
  readonly profile: CustomerProfile;
  readonly stage: LifecycleStage | null;
}

/** What the store holds per customer: their state and the bucket the value distribution counts them in. */
interface HeldCustomer extends CustomerState {
  valueBucket: number;
}

export interface ProfileUpdate {
  readonly snapshot: ProfileSnapshot;
  readonly stageChange: StageChange | null;
  /** False for a redelivered touchpoint or merge: nothing changed, nothing should be emitted. */
  readonly changed: boolean;
}

export type ProfileChange =
  | { readonly customerId: string; readonly state: CustomerState; readonly snapshot: ProfileSnapshot }
  /**
   * Gone: merged into another customer (mergedInto) or erased (null). `lastSeenAt` is the time of
   * the customer's last touchpoint here, if they had one: when they stopped being a customer of
   * their own, for analytics that count customers over time.
   */
  | {
      readonly customerId: string;
      readonly state: null;
      readonly mergedInto: string | null;
      readonly lastSeenAt: number | null;
    };

/**
 * The live profiles of the customers one enricher instance owns: folds touchpoints and merges into
 * them and judges value, tier and lifecycle as of the event's own time, so a replay gives the same
 * snapshots. Remembers what changed for the changelog.
 */
export class ProfileStore {
  private readonly states = new Map<string, HeldCustomer>();
  private readonly distribution = new ValueDistribution();
  private readonly dirty = new Map<string, ProfileSnapshot | null>();
  /**
   * Where merged-away customers went. A profile sent to a customer who has meanwhile been merged
   * into a third (merges in a chain, each a round trip between partitions) is passed on from here.
   */
  private readonly forwards = new Map<string, string>();
  /** When released customers were last seen, until their changelog entry is taken. */
  private readonly releasedLastSeen = new Map<string, number>();

  /**
   * `keepChangelog: false` for a store whose changes nobody takes (the in-process enricher): it
   * would otherwise hold every customer's latest snapshot for a changelog that is never written.
   */
  constructor(
    private readonly options: ProfileOptions = {},
    private readonly changelog: { readonly keepChangelog?: boolean } = {},
  ) {}

  get size(): number {
    return this.states.size;
  }

  get(customerId: string): CustomerState | undefined {
    return this.states.get(customerId);
  }

  customerIds(): IterableIterator<string> {
    return this.states.keys();
  }

  /** `identifiers`: the touchpoint's identifier keys, if the caller has them (see applyTouchpoint). */
  apply(customerId: string, touchpoint: Touchpoint, identifiers?: readonly string[]): ProfileUpdate {
    const before = this.states.get(customerId);
    const profile = applyTouchpoint(before?.profile, customerId, touchpoint, identifiers);
    return this.update(before, profile, touchpoint.occurredAt, touchpoint.eventId);
  }

  /**
   * Takes in the profile of a customer merged into `survivorId`. Idempotent: the merge is
   * remembered with the touchpoints (by its hash), so a redelivered transfer adds nothing twice.
   */
  absorb(survivorId: string, merged: CustomerProfile, mergeId: string): ProfileUpdate {
    const before = this.states.get(survivorId);
    const marker = mergeIdHash(mergeId);
    const combined = before ? mergeProfiles(before.profile, merged) : { ...merged, customerId: survivorId };
    const profile = before?.profile.recentEventHashes.includes(marker)
      ? before.profile
      : { ...combined, recentEventHashes: rememberEvent(combined.recentEventHashes, marker) };
    return this.update(before, profile, lastSeenAt(profile.channelActivity), mergeId);
  }

  /**
   * Removes a customer merged into `survivorId` (their profile moves there, and later arrivals are
   * forwarded) or, without a survivor, erased. Returns the profile, or nothing if it already left.
   */
  release(customerId: string, survivorId?: string): CustomerProfile | undefined {
    const state = this.states.get(customerId);
    if (!state) return undefined;
    this.states.delete(customerId);
    this.distribution.forget(state.valueBucket);
    if (survivorId) this.forwards.set(customerId, survivorId);
    if (this.changelog.keepChangelog !== false)
      this.releasedLastSeen.set(customerId, lastSeenAt(state.profile.channelActivity));
    this.markChanged(customerId, null);
    return state.profile;
  }

  /**
   * Forgets a customer on an erasure request: their profile, and where they were merged to if they
   * had been merged away; the changelog gets a tombstone either way. Returns the snapshot of a
   * customer known only by the request, which is all downstream learns of them from here on.
   */
  erase(customerId: string, request: Touchpoint): ProfileSnapshot {
    this.release(customerId);
    this.forwards.delete(customerId);
    this.markChanged(customerId, null);
    const blank = this.judge(applyTouchpoint(undefined, customerId, request), null, request.occurredAt);
    this.distribution.forget(blank.valueBucket);
    return blank.snapshot;
  }

  /** The customer a merged-away customer now lives on as, if they have no profile here any more. */
  forwardOf(customerId: string): string | undefined {
    return this.states.has(customerId) ? undefined : this.forwards.get(customerId);
  }

  restoreForward(customerId: string, survivorId: string): void {
    this.forwards.set(customerId, survivorId);
  }

  /**
   * Loads a customer's state from the changelog (when a partition is assigned). With the snapshot
   * that was written beside it, the value distribution comes back exactly as it was.
   */
  restore(state: CustomerState, snapshot?: ProfileSnapshot): void {
    const { profile, stage } = state;
    const previous = this.states.get(profile.customerId)?.valueBucket;
    const valueBucket = snapshot
      ? this.distribution.record(rankingValue(snapshot.value), previous)
      : this.judge(profile, stage, lastSeenAt(profile.channelActivity), previous).valueBucket;
    this.states.set(profile.customerId, { profile, stage, valueBucket });
  }

  /** Forgets customers another instance now owns (their partition moved); no changelog entry. */
  dropWhere(owned: (customerId: string) => boolean): void {
    for (const [customerId, held] of [...this.states]) {
      if (owned(customerId)) continue;
      this.states.delete(customerId);
      this.distribution.forget(held.valueBucket);
      this.dirty.delete(customerId);
    }
    for (const customerId of [...this.forwards.keys()])
      if (!owned(customerId)) this.forwards.delete(customerId);
  }

  /** The changelog entries for every customer changed since the last call. */
  takeChanges(): ProfileChange[] {
    const changes: ProfileChange[] = [];
    for (const [customerId, snapshot] of this.dirty) {
      const state = this.states.get(customerId);
      changes.push(
        state && snapshot
          ? { customerId, state, snapshot }
          : {
              customerId,
              state: null,
              mergedInto: this.forwards.get(customerId) ?? null,
              lastSeenAt: this.releasedLastSeen.get(customerId) ?? null,
            },
      );
    }
    this.dirty.clear();
    this.releasedLastSeen.clear();
    return changes;
  }

  private markChanged(customerId: string, snapshot: ProfileSnapshot | null): void {
    if (this.changelog.keepChangelog !== false) this.dirty.set(customerId, snapshot);
  }

  private update(
    before: HeldCustomer | undefined,
    profile: CustomerProfile,
    at: number,
    eventId: string,
  ): ProfileUpdate {
    const previousStage = before?.stage ?? null;
    const { snapshot, valueBucket } = this.judge(profile, previousStage, at, before?.valueBucket);
    if (before && profile === before.profile) {
      // Judged at a later time, the same profile can be worth another bucket.
      before.valueBucket = valueBucket;
      return { snapshot, stageChange: null, changed: false };
    }
    const stage = snapshot.lifecycle.stage;
    this.states.set(profile.customerId, { profile, stage, valueBucket });
    this.forwards.delete(profile.customerId); // back again after an operator undid a merge
    this.markChanged(profile.customerId, snapshot);
    return {
      snapshot,
      changed: true,
      stageChange:
        stage === previousStage
          ? null
          : { customerId: profile.customerId, from: previousStage, to: stage, at, eventId },
    };
  }

  /**
   * The snapshot of a profile as of `now`, after counting its value in the distribution (moved
   * from `previousBucket`, where it was counted before), and the bucket it is counted in now.
   */
  private judge(
    profile: CustomerProfile,
    previousStage: LifecycleStage | null,
    now: number,
    previousBucket?: number,
  ): { snapshot: ProfileSnapshot; valueBucket: number } {
    const { models, lifecycleRules, indirectValueWeights } = this.options;
    const traits = deriveTraits(profile, now);
    const value = assessValue(profile, traits, models, indirectValueWeights);
    const valueBucket = this.distribution.record(rankingValue(value), previousBucket);
    const tier = valueTier(value, this.distribution.tierLines());
    const lifecycle = assessLifecycle(traits, value, tier, previousStage, models?.bgnbd, lifecycleRules);
    return { snapshot: { customerId: profile.customerId, traits, value, tier, lifecycle }, valueBucket };
  }
}
