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
