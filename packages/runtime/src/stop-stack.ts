/** A part to start, with how to stop it once started. */
export interface Starting<T> {
  readonly name: string;
  start(): Promise<T>;
  stop(part: T): Promise<unknown> | unknown;
}

/**
 * What a service has started, to be stopped in reverse order: every part is stopped even when one
 * of them fails to (the first failure is thrown after all have run), and a start that fails half
 * way stops what it had started before rethrowing.
 */
export class StopStack {
  private readonly parts: { readonly name: string; readonly stop: () => Promise<unknown> | unknown }[] = [];

  /** Adds a started part; returns it, so a start can read `const x = stack.add("x", await startX(), (x) => x.stop())`. */
  add<T>(name: string, part: T, stop: (part: T) => Promise<unknown> | unknown): T {
    this.parts.push({ name, stop: () => stop(part) });
    return part;
  }

  /**
   * Starts parts at once, so their waits overlap (a consumer group's join, a registry's answers):
   * every part that started is added, in the listed order, and once all have settled the first
   * failure is thrown (with `starting`, that stops the parts that did start).
   */
  async addAll<T extends readonly unknown[]>(
    ...parts: { readonly [K in keyof T]: Starting<T[K]> }
  ): Promise<T> {
    const settled = await Promise.allSettled(parts.map((part) => part.start()));
    settled.forEach((result, index) => {
      const part = parts[index] as Starting<unknown>;
      if (result.status === "fulfilled") this.add(part.name, result.value, part.stop);
    });
    const failed = settled.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
  }

  async stopAll(): Promise<void> {
    let firstFailure: unknown;
    for (const { name, stop } of this.parts.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        firstFailure ??= new Error(`stopping ${name} failed: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      }
    }
    if (firstFailure !== undefined) throw firstFailure;
  }

  /** For a start that failed: stops what was added, then throws `error` (use as `.catch((e) => stack.abandon(e))`). */
  async abandon(error: unknown): Promise<never> {
    await this.stopAll().catch(() => undefined);
    throw error;
  }

  /** Runs `start` with a new stack; if it throws, stops what it had added and rethrows the start's error. */
  static async starting<T>(start: (stack: StopStack) => Promise<T>): Promise<T> {
    const stack = new StopStack();
    try {
      return await start(stack);
    } catch (error) {
      await stack.stopAll().catch(() => undefined);
      throw error;
    }
  }
}
