import { type PipelineMetrics, metrics as processMetrics } from "@cx/observability";
import { type Decision, decisionLogId } from "@cx/offers";

/**
 * Counts published decisions per offer and channel (`none` when nothing was offered) and the
 * contact policy's suppressions per reason and channel. Catalog ids and channels only, no customers.
 */
export function countDecisions(decisions: readonly Decision[], metrics: PipelineMetrics = processMetrics) {
  for (const decision of decisions) {
    const offered = decision.offer !== null && decision.channel !== null;
    metrics.offerDecisions.inc({
      offer: offered ? (decision.offer?.id ?? "none") : "none",
      channel: offered ? (decision.channel ?? "none") : "none",
    });
    for (const { reason, channel } of decision.suppressed) metrics.offerSuppressions.inc({ reason, channel });
  }
}

/** What a published batch's log line says about its decisions: ids that follow an event, no customers. */
export const decisionLog = (decisions: readonly Decision[]) =>
  decisions.map((decision) => ({
    decisionId: decisionLogId(decision.decisionId),
    eventId: decision.request.eventId,
    offer: decision.offer?.id ?? null,
    suppressed: decision.suppressed.length,
  }));
