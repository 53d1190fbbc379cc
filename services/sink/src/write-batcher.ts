/** What a flush made of one item: its result, or the error that item alone failed with. */
export type ItemOutcome<Result> = { readonly ok: true; readonly value: Result } | { readonly error: unknown };

export interface WriteBatcherOptions<Item, Result> {
  /** A flush starts once this many rows wait, and takes whole items up to this many (at least one). */
  readonly maxRows: number;
  /** No row waits longer than this for its flush to start. */
  readonly maxWaitMs: number;
  readonly rowsOf: (item: Item) => number;
  /** Writes the items together; one outcome per item, in order, so one bad item fails alone. */
  readonly flush: (items: readonly Item[]) => Promise<readonly ItemOutcome<Result>[]>;
}

type Entry<Item, Result> = { readonly queuedAt: number } & (
  | {
      readonly kind: "item";
      readonly item: Item;
      readonly resolve: (result: Result) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: "exclusive";
      readonly run: () => Promise<void>;
    }
);

/**
 * Gathers the items that concurrent handlers write into few large flushes, one at a time and in the
 * order written. A flush starts when the rows waiting reach `maxRows`, when the oldest has waited
 * `maxWaitMs`, or at once when every handler in progress is waiting on this batcher: nothing more
 * can come until a flush lets one of them go on (Kafka fetches again only when a fetch's batches
 * are all done), so waiting longer would only add delay.
 */
export class WriteBatcher<Item, Result> {
  private readonly queue: Entry<Item, Result>[] = [];
  private queuedRows = 0;
  /** Handlers in progress, and how many of them wait on a queued or flushing entry. */
  private handlers = 0;
  private waiting = 0;
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WriteBatcherOptions<Item, Result>) {}

  /** Runs one handler; while it runs, a flush waits for its write unless the bounds say otherwise. */
  async handle<T>(handler: () => Promise<T>): Promise<T> {
    this.handlers++;
    try {
      return await handler();
    } finally {
      this.handlers--;
      this.schedule();
    }
  }

  /** Resolves with the item's result once a flush has written it; rejects if it failed. */
  write(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.enqueue({ kind: "item", item, resolve, reject, queuedAt: performance.now() });
      this.queuedRows += this.options.rowsOf(item);
    });
  }

  /** Runs `work` alone, after every item written before it is flushed and before any written after. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({
        kind: "exclusive",
        run: () => work().then(resolve, reject),
        queuedAt: performance.now(),
      });
    });
  }

  private enqueue(entry: Entry<Item, Result>): void {
    this.queue.push(entry);
    this.waiting++;
    // Let the writer's synchronous work finish (queuedRows) before deciding.
    queueMicrotask(() => this.schedule());
  }

  private schedule(): void {
    if (this.flushing || this.queue.length === 0) return;
    const waitedMs = performance.now() - (this.queue[0]?.queuedAt ?? 0);
    const due =
      this.queue[0]?.kind === "exclusive" ||
      this.queuedRows >= this.options.maxRows ||
      this.waiting >= this.handlers ||
      waitedMs >= this.options.maxWaitMs;
    if (!due) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxWaitMs - waitedMs);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = true;
    void this.flushNext().finally(() => {
      this.flushing = false;
      this.schedule();
    });
  }

  private async flushNext(): Promise<void> {
    const head = this.queue[0];
    if (head?.kind === "exclusive") {
      this.queue.shift();
      await head.run();
      this.waiting--;
      return;
    }
    const taken: Extract<Entry<Item, Result>, { kind: "item" }>[] = [];
    let rows = 0;
    for (let next = this.queue[0]; next?.kind === "item"; next = this.queue[0]) {
      const size = this.options.rowsOf(next.item);
      if (taken.length > 0 && rows + size > this.options.maxRows) break;
      taken.push(next);
      rows += size;
      this.queue.shift();
    }
    this.queuedRows -= rows;
    let outcomes: readonly ItemOutcome<Result>[];
    try {
      outcomes = await this.options.flush(taken.map((entry) => entry.item));
    } catch (error) {
      outcomes = taken.map(() => ({ error }));
    }
    this.waiting -= taken.length;
    for (const [index, entry] of taken.entries()) {
      const outcome = outcomes[index] ?? { error: new Error("the flush gave no outcome for this item") };
      if ("ok" in outcome) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    }
  }
}
