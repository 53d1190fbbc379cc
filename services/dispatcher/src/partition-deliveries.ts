import type { DeliveryProgress, DeliveryStateRecord, OfferRecord } from "@cx/stage-records";
import type { StepOutcome } from "./delivery-step";
import type { DisabledEndpoints } from "./disabled-endpoints";

/** Settled decisions are forgotten this long after their offer expired (their input is long committed). */
const keepSettledMs = 7 * 86_400_000;

/**
 * One partition's deliveries and the changelog records they owe. Plain data apart from the pending
 * changes; the Kafka wiring decides when they are published.
 */
export class PartitionDeliveries {
  readonly deliveries = new Map<string, DeliveryProgress>();
  private changes = new Map<string, DeliveryStateRecord | null>();

  /** From the changelog; disabled-endpoint markers go to the instance's shared list. */
  static restore(
    records: ReadonlyMap<string, DeliveryStateRecord | null>,
    disabled: DisabledEndpoints,
  ): PartitionDeliveries {
    const partition = new PartitionDeliveries();
    for (const [key, record] of records) {
      if (record?.delivery) partition.deliveries.set(key, record.delivery);
      if (record?.disabledEndpoint) disabled.restored(record.disabledEndpoint);
    }
    return partition;
  }

  /** A new decision to deliver; false when this one was seen before (a redelivered offer). */
  admit(offer: OfferRecord, sourcePartition: number, sourceOffset: string, now: number): boolean {
    if (this.deliveries.has(offer.decisionId)) return false;
    this.update({ offer, status: "pending", attempts: 0, nextAttemptAt: now, sourcePartition, sourceOffset });
    return true;
  }

  due(now: number): DeliveryProgress[] {
    return [...this.deliveries.values()].filter(
      (progress) => progress.status === "pending" && progress.nextAttemptAt <= now,
    );
  }

  pending(): number {
    let count = 0;
    for (const progress of this.deliveries.values()) if (progress.status === "pending") count++;
    return count;
  }

  apply(step: StepOutcome): void {
    this.update(step.progress);
  }

  /** Drops settled decisions whose offers expired long ago, with tombstones for the changelog. */
  forgetSettled(now: number): void {
    for (const [decisionId, progress] of this.deliveries) {
      if (progress.status === "pending" || progress.offer.expiresAt + keepSettledMs > now) continue;
      this.deliveries.delete(decisionId);
      this.changes.set(decisionId, null);
    }
  }

  takeChanges(): [string, DeliveryStateRecord | null][] {
    const changes = [...this.changes];
    this.changes = new Map();
    return changes;
  }

  private update(progress: DeliveryProgress): void {
    this.deliveries.set(progress.offer.decisionId, progress);
    this.changes.set(progress.offer.decisionId, { delivery: progress, disabledEndpoint: null });
  }
}
