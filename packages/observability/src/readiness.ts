/** A part of the service that can keep it from being ready: undefined = fine, a string = why not. */
export type ReadinessCheck = () => string | undefined;

/**
 * What /health/ready answers: ready when every registered part says so. Parts register while they
 * exist (a consumer until it stops, a producer until it disconnects) and say why they are not ready.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private sequence = 0;

  /**
   * Adds a check under `name` (made unique if taken) and returns the function that removes it.
   */
  register(name: string, check: ReadinessCheck): () => void {
    const key = this.checks.has(name) ? `${name} #${++this.sequence}` : name;
    this.checks.set(key, check);
    return () => {
      if (this.checks.get(key) === check) this.checks.delete(key);
    };
  }

  /** Ready, or the reasons per part that is not. */
  status(): { ready: true } | { ready: false; reasons: Record<string, string> } {
    const reasons: Record<string, string> = {};
    for (const [name, check] of this.checks) {
      let reason: string | undefined;
      try {
        reason = check();
      } catch (error) {
        reason = `check failed: ${(error as Error).message}`;
      }
      if (reason !== undefined) reasons[name] = reason;
    }
    return Object.keys(reasons).length === 0 ? { ready: true } : { ready: false, reasons };
  }
}

/** The process's readiness, served by /health/ready. */
export const readiness = new Readiness();

/**
 * What /health/live answers: live unless a part has been broken longer than it can heal by itself
 * (a consumer that has not recovered within HEALTH_DEAD_AFTER_MS), so an orchestrator restarts it.
 */
export const liveness = new Readiness();
