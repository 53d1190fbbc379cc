import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "@cx/logging";
import { metrics } from "@cx/observability";
import { type DeadLetter, type DeadLetterPublisher, deadLetterOf } from "./dead-letters";
import type { RetryPolicy } from "./retry";
import { type ConsumedTopic, type DecodedRecord, sortBatch } from "./sort-batch";
import type { EachBatchPayload } from "./transport";

export interface BatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** Where the partition continues after this batch: past its last record and any transaction markers. */
  readonly nextOffset: string;
}

export interface PartitionHandlerOptions<T> {
  readonly stage: string;
  readonly sources: readonly ConsumedTopic<T>[];
  readonly handleBatch: (records: DecodedRecord<T>[], context: BatchContext) => Promise<void>;
  readonly deadLetters: DeadLetterPublisher;
  readonly logger: Logger;
  readonly retryPolicy: RetryPolicy;
  readonly isolateAfterAttempts: number;
  readonly isTransient: (error: unknown) => boolean;
  readonly recordId: (value: T) => string | undefined;
}

/** Commits `next` as the partition's offset (never moving it back) and tells health it progressed. */
export type Commit = (topic: string, partition: number, next: bigint) => Promise<void>;

/** A partition whose batch failed: from which offset, how often, and whether records go one by one. */
interface Failure {
  readonly offset: bigint;
  readonly attempts: number;
  readonly isolating: boolean;
}

const next = (offset: string) => (BigInt(offset) + 1n).toString();

/**
 * What happens to one fetched batch of one partition, the same over any consumer instance:
 * - records that cannot be decoded or checked are dead-lettered (once per process, however often
 *   the batch comes again);
 * - a failing handler never blocks the fetch loop: the partition is paused and fetched again after
 *   a back-off, so only it waits and the other partitions flow;
 * - a dependency outage (see isTransient) holds the partition for as long as it lasts; any other
 *   failure, repeated `isolateAfterAttempts` times, makes the batch go record by record, and a record
 *   that fails alone that often is dead-lettered with the error, so one bad record cannot stop a
 *   partition for good.
 * Offsets are committed only for what was handled or dead-lettered.
 */
export class PartitionHandler<T> {
  private readonly sources: Map<string, ConsumedTopic<T>>;
  private readonly failures = new Map<string, Failure>();
  private readonly deadLetteredThrough = new Map<string, bigint>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: PartitionHandlerOptions<T>) {
    this.sources = new Map(options.sources.map((source) => [source.topic, source]));
  }

  get topics(): string[] {
    return [...this.sources.keys()];
  }

  /** Cancels the pending retries (the consumer is going away; its pauses go with it). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  async handle(payload: EachBatchPayload, commit: Commit): Promise<void> {
    const { batch } = payload;
    const first = batch.messages[0];
    const last = batch.messages.at(-1);
    if (!first || !last) return;
    const key = `${batch.topic}/${batch.partition}`;
    const context: BatchContext = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      nextOffset: next(batch.lastOffset()),
    };
    const failure = this.failures.get(key);
    if (failure && BigInt(first.offset) > failure.offset) this.failures.delete(key); // moved on elsewhere
    const started = performance.now();
    try {
      const source = this.sources.get(batch.topic);
      if (!source) throw new Error(`consumer of ${this.topics} was given a batch of ${batch.topic}`);
      const sorted = await sortBatch(source, batch.partition, batch.messages, this.options.stage);
      await this.deadLetter(key, sorted.dead, context);
      const handled = await this.handleRecords(key, sorted.decoded, context, payload, commit);
      if (!handled) return;
      this.failures.delete(key);
      payload.resolveOffset(batch.lastOffset());
      await commit(batch.topic, batch.partition, BigInt(context.nextOffset));
      this.observe(context, batch.messages.length, sorted, started);
    } catch (error) {
      this.retryLater(key, context, payload, error, this.attemptsAt(key, BigInt(first.offset), false));
    }
  }

  /**
   * One call of the handler. A failure while the consumer is stopping or rebalancing hands the batch
   * back uncommitted ("stopped"); one that is a dependency's outage schedules a retry of the
   * partition ("waits"); any other comes back for the caller to count.
   */
  private async attempt(
    key: string,
    records: DecodedRecord<T>[],
    context: BatchContext,
    payload: EachBatchPayload,
    isolating: boolean,
  ): Promise<"handled" | "stopped" | "waits" | { readonly error: unknown }> {
    try {
      await this.options.handleBatch(records, context);
      return "handled";
    } catch (error) {
      if (!payload.isRunning() || payload.isStale()) {
        this.options.logger.info(context, "batch handed back uncommitted");
        return "stopped";
      }
      if (!this.options.isTransient(error)) return { error };
      const attempts = this.attemptsAt(key, BigInt(context.firstOffset), isolating);
      this.retryLater(key, context, payload, error, attempts, isolating);
      return "waits";
    }
  }

  /** Whether every record was handled (or isolated); false when the partition waits for a retry. */
  private async handleRecords(
    key: string,
    records: DecodedRecord<T>[],
    context: BatchContext,
    payload: EachBatchPayload,
    commit: Commit,
  ): Promise<boolean> {
    if (records.length === 0) return true;
    if (!this.failures.get(key)?.isolating) {
      const outcome = await this.attempt(key, records, context, payload, false);
      if (outcome === "handled") return true;
      if (typeof outcome === "string") return false;
      const attempts = this.attemptsAt(key, BigInt(context.firstOffset), false);
      if (attempts < this.options.isolateAfterAttempts) {
        this.retryLater(key, context, payload, outcome.error, attempts);
        return false;
      }
      this.options.logger.warn(
        { err: outcome.error, ...context, attempts },
        "batch keeps failing; handling its records one by one to find the one at fault",
      );
      // A batch of one record is that record: its attempts so far count.
      this.failures.set(key, {
        offset: BigInt(records[0]?.offset ?? 0),
        attempts: records.length === 1 ? attempts : 0,
        isolating: true,
      });
    }
    return this.isolate(key, records, context, payload, commit);
  }

  private async isolate(
    key: string,
    records: DecodedRecord<T>[],
    context: BatchContext,
    payload: EachBatchPayload,
    commit: Commit,
  ): Promise<boolean> {
    for (const [index, record] of records.entries()) {
      const single: BatchContext = {
        topic: context.topic,
        partition: context.partition,
        firstOffset: record.offset,
        lastOffset: record.offset,
        nextOffset: index === records.length - 1 ? context.nextOffset : next(record.offset),
      };
      // A record that fails alone for its own sake fails again at once: a few quick attempts tell.
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.attempt(key, [record], single, payload, true);
        if (outcome === "handled") break;
        if (typeof outcome === "string") return false;
        if (attempt >= this.options.isolateAfterAttempts) {
          await this.isolateRecord(record, outcome.error, attempt);
          break;
        }
        await sleep(this.delayAfter(attempt));
      }
      payload.resolveOffset(record.offset);
      await commit(record.topic, record.partition, BigInt(single.nextOffset));
    }
    return true;
  }

  private async isolateRecord(record: DecodedRecord<T>, error: unknown, attempts: number): Promise<void> {
    const reason = `handler failed ${attempts} times on this record: ${(error as Error)?.message ?? String(error)}`;
    await this.options.deadLetters.publish([
      deadLetterOf(record, reason, this.options.stage, "handler_failed"),
    ]);
    this.options.logger.error(
      { err: error, topic: record.topic, partition: record.partition, offset: record.offset, attempts },
      "a record failed alone again and again: dead-lettered, the partition goes on",
    );
  }

  /** Counts one more failed attempt at `offset` and returns the count. */
  private attemptsAt(key: string, offset: bigint, isolating: boolean): number {
    const failure = this.failures.get(key);
    const attempts = (failure?.offset === offset ? failure.attempts : 0) + 1;
    this.failures.set(key, { offset, attempts, isolating: isolating || (failure?.isolating ?? false) });
    return attempts;
  }

  private async deadLetter(key: string, letters: DeadLetter[], context: BatchContext): Promise<void> {
    const through = this.deadLetteredThrough.get(key) ?? -1n;
    const fresh = letters.filter(
      (letter) => "offset" in letter.source && BigInt(letter.source.offset) > through,
    );
    if (fresh.length === 0) return;
    await this.options.deadLetters.publish(fresh);
    for (const letter of fresh)
      this.options.logger.warn(
        { ...context, source: letter.source, reason: letter.reason },
        "dead-lettered a record",
      );
    const lastSource = fresh.at(-1)?.source;
    if (lastSource && "offset" in lastSource) this.deadLetteredThrough.set(key, BigInt(lastSource.offset));
  }

  private delayAfter(attempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.retryPolicy;
    return Math.min(initialDelayMs * 2 ** Math.min(attempts - 1, 20), maxDelayMs);
  }

  /** Pauses the partition (the fetch loop goes on with the others) and resumes it after a back-off. */
  private retryLater(
    key: string,
    context: BatchContext,
    payload: EachBatchPayload,
    error: unknown,
    attempts: number,
    isolating = false,
  ): void {
    if (!payload.isRunning() || payload.isStale()) {
      this.options.logger.info(context, "batch handed back uncommitted");
      return;
    }
    const delayMs = this.delayAfter(attempts);
    metrics.batchRetries.inc({ stage: this.options.stage, topic: context.topic });
    this.options.logger.warn(
      { err: error, ...context, attempt: attempts, retryInMs: delayMs, isolating, key },
      "batch failed; its partition waits and retries",
    );
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, delayMs);
    this.timers.add(timer);
  }

  private observe(
    context: BatchContext,
    count: number,
    sorted: { decoded: DecodedRecord<T>[]; dead: DeadLetter[] },
    started: number,
  ) {
    const seconds = (performance.now() - started) / 1000;
    const labels = { stage: this.options.stage, topic: context.topic };
    metrics.recordsConsumed.inc(labels, count);
    metrics.batchDuration.observe(labels, seconds);
    const { logger, recordId } = this.options;
    if (logger.isLevelEnabled("debug"))
      logger.debug(
        {
          ...context,
          records: count,
          deadLettered: sorted.dead.length,
          ms: Math.round(seconds * 1000),
          ids: sorted.decoded.flatMap((record) => recordId(record.value) ?? []),
        },
        "batch committed",
      );
  }
}
