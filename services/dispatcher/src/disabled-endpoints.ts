import { type DeliveryStateRecord, type DisabledEndpoint, endpointKey } from "@cx/stage-records";

/**
 * Endpoints a 410 switched off, shared by every partition this instance owns. Each marker is
 * written to every partition of the changelog, so whoever owns any partition later knows it too;
 * another running instance learns it from its own next 410.
 */
export class DisabledEndpoints {
  private readonly byChannel = new Map<string, DisabledEndpoint>();
  private unwritten: [string, DeliveryStateRecord | null][] = [];

  constructor(private readonly reenable: ReadonlySet<string>) {}

  /** A marker read from the changelog; one of a channel to re-enable is deleted instead. */
  restored(endpoint: DisabledEndpoint): void {
    if (this.reenable.has(endpoint.channel)) this.unwritten.push([endpointKey(endpoint.channel), null]);
    else this.byChannel.set(endpoint.channel, endpoint);
  }

  /** The endpoint is off if a 410 disabled this very URL; a new URL for the channel is a new endpoint. */
  find(channel: string, url: string): DisabledEndpoint | undefined {
    const disabled = this.byChannel.get(channel);
    return disabled?.url === url ? disabled : undefined;
  }

  disable(endpoint: DisabledEndpoint): void {
    if (this.find(endpoint.channel, endpoint.url)) return;
    this.byChannel.set(endpoint.channel, endpoint);
    this.unwritten.push([endpointKey(endpoint.channel), { delivery: null, disabledEndpoint: endpoint }]);
  }

  /** Markers (and deletions) not yet in the changelog; to be written to every partition. */
  take(): [string, DeliveryStateRecord | null][] {
    const taken = this.unwritten;
    this.unwritten = [];
    return taken;
  }

  /** Puts back what a failed transaction did not write. */
  putBack(markers: [string, DeliveryStateRecord | null][]): void {
    this.unwritten = [...markers, ...this.unwritten];
  }
}
