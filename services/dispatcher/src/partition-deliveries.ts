import type { OfferRecord } from "@cx/offers-service";
import type { StepOutcome } from "./delivery-step";
import {
  type DeliveryProgress,
  type DeliveryStateRecord,
  type DisabledEndpoint,
  endpointKey,
} from "./records";

/** Settled decisions are forgotten this long after their offer expired (their input is long committed). */
const keepSettledMs = 7 * 86_400_000;

/**
 * One partition's deliveries and disabled endpoints, and the changelog records they owe. Plain data
 * apart from the pending changes; the Kafka wiring decides when they are published.
 */
export class PartitionDeliveries {
  readonly deliveries = new Map<string, DeliveryProgress>();
  readonly disabled = new Map<string, DisabledEndpoint>();
  private changes = new Map<string, DeliveryStateRecord | null>();

  /** From the changelog; endpoints of `reenable` channels are taken off the disabled list for good. */
  static restore(
    records: ReadonlyMap<string, DeliveryStateRecord | null>,
    reenable: ReadonlySet<string>,
  ): PartitionDeliveries {
    const partition = new PartitionDeliveries();
    for (const [key, record] of records) {
      if (record?.delivery) partition.deliveries.set(key, record.delivery);
      const endpoint = record?.disabledEndpoint;
      if (!endpoint) continue;
      if (reenable.has(endpoint.channel)) partition.changes.set(key, null);
      else partition.disabled.set(endpoint.channel, endpoint);
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

  /** The endpoint is off if a 410 disabled this very URL; a new URL for the channel is a new endpoint. */
  isDisabled(channel: string, url: string): DisabledEndpoint | undefined {
    const disabled = this.disabled.get(channel);
    return disabled?.url === url ? disabled : undefined;
  }

  apply(step: StepOutcome, channel: string, url: string, at: number): void {
    this.update(step.progress);
    if (step.disable && !this.isDisabled(channel, url)) {
      const endpoint = { channel, url, disabledAt: at, reason: step.disable };
      this.disabled.set(channel, endpoint);
      this.changes.set(endpointKey(channel), { delivery: null, disabledEndpoint: endpoint });
    }
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
