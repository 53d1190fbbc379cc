import { identifierKeys, type Touchpoint } from "@cx/contracts";
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
  mergeProfiles,
  type Traits,
  ValueDistribution,
  type ValueModels,
  type ValueTier,
  valueTier,
} from "@cx/customer-profile";
import { type IdentityEvent, IdentityGraph, type IdentityLimits } from "@cx/identity";

export interface EnrichmentOptions {
  /** Fitted BG/NBD and Gamma-Gamma parameters; without them value and lifecycle use history alone. */
  readonly models?: ValueModels;
  readonly identityLimits?: IdentityLimits;
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
  readonly eventId: string;
}

export interface Enrichment {
  readonly touchpoint: Touchpoint;
  readonly snapshot: ProfileSnapshot;
  readonly identityEvents: IdentityEvent[];
  readonly stageChange: StageChange | null;
}

/**
 * Identity, profile, value and lifecycle for a stream of touchpoints, in arrival order. Everything
 * is judged as of the touchpoint's own time, so replaying the same touchpoints gives the same
 * snapshots; a touchpoint seen before changes nothing and emits nothing.
 */
export class CustomerEnricher {
  private readonly identity: IdentityGraph;
  private readonly profiles = new Map<string, CustomerProfile>();
  private readonly stages = new Map<string, LifecycleStage>();
  private readonly distribution = new ValueDistribution();

  constructor(private readonly options: EnrichmentOptions = {}) {
    this.identity = new IdentityGraph(options.identityLimits);
  }

  profileOf(customerId: string): CustomerProfile | undefined {
    return this.profiles.get(customerId);
  }

  get customers(): number {
    return this.profiles.size;
  }

  process(touchpoint: Touchpoint): Enrichment {
    const { customerId, events } = this.identity.resolve(
      identifierKeys(touchpoint.identifiers),
      touchpoint.eventId,
    );
    for (const event of events)
      if (event.type === "customers_merged") this.absorb(event.survivorId, event.mergedId);

    const before = this.profiles.get(customerId);
    const profile = applyTouchpoint(before, customerId, touchpoint);
    this.profiles.set(customerId, profile);
    const snapshot = this.snapshot(profile, touchpoint.occurredAt);

    const previousStage = this.stages.get(customerId) ?? null;
    const changed = profile !== before && previousStage !== snapshot.lifecycle.stage;
    if (changed) this.stages.set(customerId, snapshot.lifecycle.stage);
    return {
      touchpoint,
      snapshot,
      identityEvents: events,
      stageChange: changed
        ? {
            customerId,
            from: previousStage,
            to: snapshot.lifecycle.stage,
            at: touchpoint.occurredAt,
            eventId: touchpoint.eventId,
          }
        : null,
    };
  }

  private absorb(survivorId: string, mergedId: string): void {
    const survivor = this.profiles.get(survivorId);
    const merged = this.profiles.get(mergedId);
    if (survivor && merged) this.profiles.set(survivorId, mergeProfiles(survivor, merged));
    else if (merged) this.profiles.set(survivorId, { ...merged, customerId: survivorId });
    this.profiles.delete(mergedId);
    this.stages.delete(mergedId);
    this.distribution.forget(mergedId);
  }

  private snapshot(profile: CustomerProfile, now: number): ProfileSnapshot {
    const { models, lifecycleRules, indirectValueWeights } = this.options;
    const traits = deriveTraits(profile, now);
    const value = assessValue(profile, traits, models, indirectValueWeights);
    this.distribution.record(
      profile.customerId,
      (value.predictedValueMinor ?? value.currentValueMinor) + value.indirectValueMinor,
    );
    const tier = valueTier(value, this.distribution.tierLines());
    const previousStage = this.stages.get(profile.customerId) ?? null;
    const lifecycle = assessLifecycle(traits, value, tier, previousStage, models?.bgnbd, lifecycleRules);
    return { customerId: profile.customerId, traits, value, tier, lifecycle };
  }
}
