import { type AdapterContext, adaptersByChannel } from "@cx/channel-adapters";
import type { Channel, Touchpoint, ValidationIssue } from "@cx/contracts";
import { depthIssues } from "./json-depth";

export type ItemOutcome =
  | { readonly ok: true; readonly touchpoints: Touchpoint[] }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/**
 * Runs each native event through its channel's adapter; pure, so it is tested without a server.
 * An event nested deeper than `maxDepth` is rejected before any adapter walks it.
 */
export function ingestItems(
  channel: Channel,
  items: readonly unknown[],
  context: AdapterContext,
  maxDepth: number,
): ItemOutcome[] {
  const adapter = adaptersByChannel[channel];
  return items.map((item) => {
    const tooDeep = depthIssues(item, maxDepth);
    return tooDeep.length > 0 ? { ok: false, issues: tooDeep } : adapter.adapt(item, context);
  });
}
