import type { Touchpoint } from "@cx/contracts";
import type { ProfileSnapshot } from "@cx/enrichment";
import {
  customerView,
  type Decision,
  type EngineSettings,
  type LearnerSettings,
  type LearnerState,
  type OfferCatalog,
  type OfferCustomer,
  OfferEngine,
  type OfferOutcomeRecord,
  PropensityLearner,
  type ReportedOutcome,
} from "@cx/offers";

export interface PartitionOutputs {
  readonly decisions: Decision[];
  readonly outcomes: OfferOutcomeRecord[];
}

/**
 * The offer state of one partition: its customers, its learner, and what changed since the last
 * changelog write. Pure (no I/O); the service owns one per assigned partition.
 */
export class PartitionOffers {
  private readonly held = new Map<string, OfferCustomer>();
  /**
   * When each customer next has something due (a follow-up, an unanswered offer's expiry): a tick
   * visits these customers only, not every customer of the partition.
   */
  private readonly nextDue = new Map<string, number>();
  readonly learner: PropensityLearner;
  private readonly changed = new Set<string>();

  constructor(
    private readonly engine: OfferEngine,
    learnerSettings: LearnerSettings,
    learnerState: LearnerState = {},
  ) {
    this.learner = new PropensityLearner(learnerSettings, learnerState);
  }

  static create(
    catalog: OfferCatalog,
    settings: { engine: EngineSettings; learner: LearnerSettings },
    learner?: LearnerState,
  ) {
    return new PartitionOffers(new OfferEngine(catalog, settings.engine), settings.learner, learner);
  }

  get customers(): ReadonlyMap<string, OfferCustomer> {
    return this.held;
  }

  /** A customer's state as the changelog kept it (a partition's restore). */
  restore(customerId: string, customer: OfferCustomer): void {
    this.held.set(customerId, customer);
    this.scheduleNextDue(customerId, customer);
  }

  /** An enriched touchpoint: first what its time makes due for the customer, then the touchpoint itself. */
  handle(customerId: string, touchpoint: Touchpoint, snapshot: ProfileSnapshot, out: PartitionOutputs): void {
    this.advance(customerId, touchpoint.occurredAt, out);
    const result = this.engine.handleTouchpoint(
      this.customers.get(customerId),
      customerId,
      touchpoint,
      customerView(snapshot),
      this.learner,
    );
    this.keep(customerId, { state: result.state, view: result.view }, result, out);
  }

  /**
   * An outcome reported by decision id: first what its time makes due for the customer (a late
   * answer finds the offer expired), then the answer. Returns why it cannot be applied, if not.
   */
  handleResponse(customerId: string, response: ReportedOutcome, out: PartitionOutputs): string | undefined {
    this.advance(customerId, response.at, out);
    const customer = this.customers.get(customerId);
    const result = this.engine.handleResponse(customer, response, this.learner);
    if ("refused" in result) return result.refused;
    this.keep(customerId, { state: result.state, view: customer?.view ?? null }, result, out);
    return undefined;
  }

  /** Due follow-ups and expiries of every customer by `now` (the wall-clock tick). */
  tick(now: number, out: PartitionOutputs): void {
    const due = [...this.nextDue].filter(([, at]) => at <= now);
    for (const [customerId] of due) this.advance(customerId, now, out);
  }

  /** The customers and the learner's cells changed since the last call. */
  takeChanges(): { customers: [string, OfferCustomer | null][]; learnerCells: LearnerState } {
    // A changed customer no longer held was erased: null, a tombstone in the changelog.
    const customers = [...this.changed].map((id): [string, OfferCustomer | null] => [
      id,
      this.customers.get(id) ?? null,
    ]);
    const learnerCells = this.learner.takeChangedCells();
    this.changed.clear();
    return { customers, learnerCells };
  }

  private advance(customerId: string, now: number, out: PartitionOutputs): void {
    const customer = this.held.get(customerId);
    if (!customer || (this.nextDue.get(customerId) ?? Number.POSITIVE_INFINITY) > now) return;
    const result = this.engine.handleTime(customer, now, this.learner);
    this.keep(customerId, { state: result.state, view: customer.view }, result, out);
  }

  private keep(
    customerId: string,
    customer: OfferCustomer,
    result: PartitionOutputs,
    out: PartitionOutputs,
  ): void {
    if (this.held.get(customerId)?.state === customer.state) return;
    // An erasure request leaves nothing behind; a redelivered one erases nothing more.
    if (customer.state.erased) {
      this.held.delete(customerId);
      this.nextDue.delete(customerId);
    } else this.restore(customerId, customer);
    this.changed.add(customerId);
    out.decisions.push(...result.decisions);
    out.outcomes.push(...result.outcomes);
  }

  private scheduleNextDue(customerId: string, { state }: OfferCustomer): void {
    let next = Number.POSITIVE_INFINITY;
    for (const followUp of state.followUps) next = Math.min(next, followUp.dueAt);
    for (const sent of state.sent) if (sent.outcome === null) next = Math.min(next, sent.expiresAt);
    if (next === Number.POSITIVE_INFINITY) this.nextDue.delete(customerId);
    else this.nextDue.set(customerId, next);
  }
}
