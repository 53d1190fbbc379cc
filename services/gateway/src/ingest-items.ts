import { type AdapterContext, adaptersByChannel } from "@cx/channel-adapters";
import type { Channel, Touchpoint, ValidationIssue } from "@cx/contracts";

export type ItemOutcome =
  | { readonly ok: true; readonly touchpoints: Touchpoint[] }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/** Runs each native event through its channel's adapter; pure, so it is tested without a server. */
export function ingestItems(
  channel: Channel,
  items: readonly unknown[],
  context: AdapterContext,
): ItemOutcome[] {
  const adapter = adaptersByChannel[channel];
  return items.map((item) => adapter.adapt(item, context));
}
