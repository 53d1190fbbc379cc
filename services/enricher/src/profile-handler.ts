import type { ProfileStore, StageChange } from "@cx/enrichment";
import type { KeyedRecord } from "@cx/kafka";
import { type HoldoutSettings, isHeldOut } from "@cx/offers";
import type {
  CustomerProfileRecord,
  EnrichedTouchpointRecord,
  IdentifiedRecord,
  StageChangeRecord,
} from "@cx/stage-records";
import { profileOfRecord, profileRecordOf, stageChangeRecord } from "@cx/stage-records";

export interface ProfileOutputs {
  readonly enriched: KeyedRecord<EnrichedTouchpointRecord>[];
  readonly stageChanges: KeyedRecord<StageChangeRecord>[];
  /** Profiles of merged customers, on their way to the survivor's partition. */
  readonly transfers: KeyedRecord<IdentifiedRecord>[];
}

export const noProfileOutputs = (): ProfileOutputs => ({ enriched: [], stageChanges: [], transfers: [] });

const addStageChange = (out: ProfileOutputs, change: StageChange | null) => {
  if (change) out.stageChanges.push(stageChangeRecord(change));
};

/**
 * Applies one record of the identified topic to the profiles of its partition. A redelivered record
 * changes nothing and emits nothing: its outputs were written before the changelog that remembers it.
 * `holdout` is the offer engine's: each enriched touchpoint says whether its customer is held out,
 * decided by the engine's own function, so ClickHouse can compare the groups the engine treated.
 */
export function handleIdentified(
  store: ProfileStore,
  record: IdentifiedRecord,
  out: ProfileOutputs,
  holdout: HoldoutSettings,
): void {
  const { customerId, touchpoint, mergeOut, mergeIn } = record;
  if (touchpoint?.type === "erasure_request") {
    // Downstream (offers, sink) erases on seeing the request; the snapshot carries no history.
    const profile = store.erase(customerId, touchpoint);
    out.enriched.push({
      key: customerId,
      value: { customerId, touchpoint, profile, holdout: isHeldOut(customerId, holdout) },
    });
  } else if (touchpoint) {
    const update = store.apply(customerId, touchpoint);
    if (!update.changed) return;
    out.enriched.push({
      key: customerId,
      value: { customerId, touchpoint, profile: update.snapshot, holdout: isHeldOut(customerId, holdout) },
    });
    addStageChange(out, update.stageChange);
  } else if (mergeOut) {
    const profile = store.release(customerId, mergeOut.survivorId);
    if (!profile) return; // handed over before a crash; the survivor absorbs a transfer only once
    out.transfers.push({
      key: mergeOut.survivorId,
      value: {
        customerId: mergeOut.survivorId,
        touchpoint: null,
        mergeOut: null,
        mergeIn: { mergeId: mergeOut.mergeId, mergedId: customerId, profile: profileRecordOf(profile) },
      },
    });
  } else if (mergeIn) {
    const forward = store.forwardOf(customerId);
    if (forward) {
      // This customer was itself merged on before the profile arrived: pass it along.
      out.transfers.push({ key: forward, value: { ...record, customerId: forward } });
      return;
    }
    // A survivor with no profile here was erased while this profile was on its way (a survivor
    // always has a profile before a transfer reaches it: its earlier touchpoints come first on its
    // partition). The merged customer is erased too, so the profile goes nowhere.
    if (!store.get(customerId)) return;
    addStageChange(
      out,
      store.absorb(customerId, profileOfRecord(mergeIn.profile), mergeIn.mergeId).stageChange,
    );
  }
}

/**
 * The changelog (and public profile topic) records for what changed: a merged-away customer leaves
 * a record saying where they went, an erased one a tombstone. Each record says whether its customer
 * is in the offer engine's holdout, as the enriched touchpoints do.
 */
export function profileChangelog(
  store: ProfileStore,
  at: number,
  holdout: HoldoutSettings,
): KeyedRecord<CustomerProfileRecord>[] {
  return store.takeChanges().map((change) => {
    const heldOut = isHeldOut(change.customerId, holdout);
    if (change.state !== null) {
      const state = profileRecordOf(change.state.profile);
      return {
        key: change.customerId,
        value: {
          customerId: change.customerId,
          updatedAt: state.lastSeenAt,
          mergedInto: null,
          snapshot: change.snapshot,
          state,
          holdout: heldOut,
        },
      };
    }
    if (change.mergedInto === null) return { key: change.customerId, value: null };
    return {
      key: change.customerId,
      value: {
        customerId: change.customerId,
        // The merged customer's last own touchpoint, so a replay writes the same record.
        updatedAt: change.lastSeenAt ?? at,
        mergedInto: change.mergedInto,
        snapshot: null,
        state: null,
        holdout: heldOut,
      },
    };
  });
}
