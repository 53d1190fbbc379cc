import { identifierKeys, type Touchpoint } from "@cx/contracts";
import type { CustomerProfile } from "@cx/customer-profile";
import { type IdentityEvent, IdentityGraph, type IdentityLimits } from "@cx/identity";
import { type ProfileOptions, type ProfileSnapshot, ProfileStore, type StageChange } from "./profile-store";

export interface EnrichmentOptions extends ProfileOptions {
  readonly identityLimits?: IdentityLimits;
}

export interface Enrichment {
  readonly touchpoint: Touchpoint;
  readonly snapshot: ProfileSnapshot;
  readonly identityEvents: IdentityEvent[];
  /** Stage changes of a merge's survivor, then of the touchpoint's customer. */
  readonly stageChanges: StageChange[];
  /** False for a touchpoint seen before: it changed nothing. */
  readonly changed: boolean;
}

/**
 * Identity, profile, value and lifecycle in one process, in arrival order (the embedded mode and
 * the benchmarks). The Kafka enricher runs the same two parts as separate stages: the identity graph
 * as a single writer, the profile store partitioned by customer.
 */
export class CustomerEnricher {
  readonly identity: IdentityGraph;
  readonly profiles: ProfileStore;

  constructor(options: EnrichmentOptions = {}) {
    // Nothing here writes a changelog, so neither part keeps one.
    this.identity = new IdentityGraph(options.identityLimits, { keepChangelog: false });
    this.profiles = new ProfileStore(options, { keepChangelog: false });
  }

  profileOf(customerId: string): CustomerProfile | undefined {
    return this.profiles.get(customerId)?.profile;
  }

  get customers(): number {
    return this.profiles.size;
  }

  process(touchpoint: Touchpoint): Enrichment {
    // One set of key strings for the graph and the profile, so both hold the same strings.
    const identifiers = identifierKeys(touchpoint.identifiers);
    const { customerId, events } = this.identity.resolve(identifiers, touchpoint.eventId);
    const stageChanges: StageChange[] = [];
    for (const event of events) {
      if (event.type !== "customers_merged") continue;
      const merged = this.profiles.release(event.mergedId, event.survivorId);
      const absorbed = merged && this.profiles.absorb(event.survivorId, merged, event.mergeId);
      if (absorbed?.stageChange) stageChanges.push(absorbed.stageChange);
    }
    const { snapshot, stageChange, changed } = this.profiles.apply(customerId, touchpoint, identifiers);
    if (stageChange) stageChanges.push(stageChange);
    return { touchpoint, snapshot, identityEvents: events, stageChanges, changed };
  }
}
