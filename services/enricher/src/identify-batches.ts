import type { Touchpoint } from "@cx/contracts";
import type { IdentityGraph } from "@cx/identity";
import { type DeadLetter, deadLetterOf, nextTurnOfEventLoop, type PartitionBatch } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import type { IdentityCommand } from "@cx/stage-records";
import {
  applyIdentityCommand,
  type IdentityOutputs,
  identifyTouchpoint,
  noIdentityOutputs,
} from "./identify";

export type IdentityBatch = PartitionBatch<Touchpoint | IdentityCommand>;

export interface AppliedBatches {
  readonly graph: IdentityGraph;
  readonly out: IdentityOutputs;
  /** Commands the graph refused, as dead letters of their records. */
  readonly refused: DeadLetter[];
  /** The batch that threw, which stopped the others; the graph then holds part of its changes. */
  readonly failed?: { readonly batch: IdentityBatch; readonly error: unknown };
}

/**
 * Applies the batches, in order, to the graph: touchpoints (records of `touchpointsTopic`) are
 * identified, the other records are operators' identity commands. Stops at the first batch whose
 * handling throws. The graph's one writer is the caller, so yielding between batches is safe.
 */
export async function identifyBatches(
  graph: IdentityGraph,
  batches: readonly IdentityBatch[],
  { now, touchpointsTopic, log }: { now: number; touchpointsTopic: string; log: Logger },
): Promise<AppliedBatches> {
  const out = noIdentityOutputs();
  const refused: DeadLetter[] = [];
  for (const [index, batch] of batches.entries()) {
    if (index > 0) await nextTurnOfEventLoop();
    try {
      for (const record of batch.records) {
        if (record.topic === touchpointsTopic) {
          identifyTouchpoint(graph, record.value as Touchpoint, now, out);
          continue;
        }
        const command = record.value as IdentityCommand;
        const reason = applyIdentityCommand(graph, command, now, out);
        if (reason)
          refused.push(deadLetterOf(record, `identity command refused: ${reason}`, "enricher-identity"));
        else log.info({ command }, "identity command carried out");
      }
    } catch (error) {
      return { graph, out, refused, failed: { batch, error } };
    }
  }
  return { graph, out, refused };
}
