import { type Channel, newTouchpoint, type Touchpoint, type TouchpointType } from "@cx/contracts";
import type { DeliveryChannel } from "@cx/offers";

/** Day 0 of every simulation (a Monday), fixed so that the same seed prints the same bytes. */
export const simulationStart = Date.UTC(2026, 0, 5);
export const dayMs = 86_400_000;
export const hourMs = 3_600_000;

const channelOf: Record<string, Channel> = {
  purchase: "store",
  complaint: "phone",
  service_request: "phone",
  service_resolved: "phone",
  consent_change: "web",
};

/**
 * Touchpoints of one simulated customer as a channel system would send them: identified by a
 * loyalty id (the customer id, so no stitching is needed) and in UTC, which the contact policy
 * reads from the `timeZone` attribute.
 */
export class TouchpointMaker {
  private sequence = 0;

  constructor(private readonly customerId: string) {}

  make(type: TouchpointType, at: number, fields: Partial<Touchpoint> = {}): Touchpoint {
    return newTouchpoint({
      eventId: `${this.customerId}-${this.sequence++}`,
      occurredAt: at,
      receivedAt: at,
      channel: channelOf[type] ?? "web",
      type,
      sourceSystem: "simulation",
      identifiers: {
        loyaltyId: this.customerId,
        emailHash: null,
        phoneHash: null,
        deviceId: null,
        socialHandle: null,
      },
      attributes: { timeZone: "UTC" },
      ...fields,
    });
  }

  purchase(at: number, amountMinor: number, discountMinor: number): Touchpoint {
    return this.make("purchase", at, {
      amount: { minor: amountMinor, currency: "EUR", discountMinor, marginMinor: null },
    });
  }

  consent(at: number, channel: DeliveryChannel, granted: boolean): Touchpoint {
    return this.make("consent_change", at, { consent: { scope: channel, granted } });
  }
}
