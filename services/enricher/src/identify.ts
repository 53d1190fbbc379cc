import { identifierKeys, type Touchpoint } from "@cx/contracts";
import type { IdentityGraph } from "@cx/identity";
import type { KeyedRecord } from "@cx/kafka";
import {
  type IdentifiedRecord,
  type IdentityCommand,
  type IdentityEventRecord,
  identityEventRecord,
} from "@cx/stage-records";

export interface IdentityOutputs {
  readonly identified: KeyedRecord<IdentifiedRecord>[];
  readonly identityEvents: KeyedRecord<IdentityEventRecord>[];
}

export const noIdentityOutputs = (): IdentityOutputs => ({ identified: [], identityEvents: [] });

/**
 * Resolves a touchpoint to its customer and re-keys it by customer id. A merge it causes first
 * tells the merged customer's partition to hand its profile over (mergeOut, keyed by the merged
 * id, so it comes after everything that customer had), then the touchpoint goes to the survivor.
 */
export function identifyTouchpoint(
  graph: IdentityGraph,
  touchpoint: Touchpoint,
  at: number,
  out: IdentityOutputs,
): void {
  if (touchpoint.type === "erasure_request") {
    eraseCustomer(graph, touchpoint, out);
    return;
  }
  const { customerId, events } = graph.resolve(identifierKeys(touchpoint.identifiers), touchpoint.eventId);
  for (const event of events) {
    out.identityEvents.push(identityEventRecord(event, at));
    if (event.type === "customers_merged") {
      out.identified.push({
        key: event.mergedId,
        value: {
          customerId: event.mergedId,
          touchpoint: null,
          mergeOut: { mergeId: event.mergeId, survivorId: event.survivorId },
          mergeIn: null,
        },
      });
    }
  }
  out.identified.push({
    key: customerId,
    value: { customerId, touchpoint, mergeOut: null, mergeIn: null },
  });
}

/**
 * An erasure request forgets the customer its identifiers point to, and every customer merged into
 * them, in the graph (the changelog gets tombstones); the request then goes to each erased id's
 * partition, so the profile and offer stages and the sink erase what they hold under it, after
 * everything that came before. Identifiers nobody owns erase nothing and pass on unresolved.
 */
function eraseCustomer(graph: IdentityGraph, touchpoint: Touchpoint, out: IdentityOutputs): void {
  const customerId = identifierKeys(touchpoint.identifiers)
    .map((identifier) => graph.customerOf(identifier))
    .find((id) => id !== undefined);
  const erased = customerId ? graph.erase(customerId) : [];
  for (const id of erased)
    out.identified.push({ key: id, value: { customerId: id, touchpoint, mergeOut: null, mergeIn: null } });
}

/**
 * Carries out an operator's command; returns why it cannot be carried out, if it cannot. Undoing a
 * merge gives the restored customer their identifiers back; their profile starts again from their
 * next touchpoint (the survivor keeps the history both had, which a replay can rebuild exactly).
 */
export function applyIdentityCommand(
  graph: IdentityGraph,
  command: IdentityCommand,
  at: number,
  out: IdentityOutputs,
): string | undefined {
  try {
    for (const event of graph.undoMerge(command.mergeId))
      out.identityEvents.push(identityEventRecord(event, at));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
