/**
 * SIGTERM and SIGINT held from the first moment of a process: a service's main module imports only
 * this, calls holdStopSignals(), and then loads the rest (which takes seconds with TypeScript), so
 * a signal that arrives while it loads or starts is kept and acted on as soon as the service can
 * stop cleanly, instead of killing the process mid-start. No imports here, on purpose: it must load
 * at once.
 */

type StopSignal = "SIGTERM" | "SIGINT";

let received: StopSignal | undefined;
let installed = false;
const listeners = new Set<(signal: StopSignal) => void>();

const hold = (signal: StopSignal) => {
  received ??= signal;
  for (const listener of listeners) listener(signal);
};

export function holdStopSignals(): void {
  if (installed) return;
  installed = true;
  process.on("SIGTERM", () => hold("SIGTERM"));
  process.on("SIGINT", () => hold("SIGINT"));
}

/** Calls `listener` at the first stop signal, at once if one came already; returns how to stop listening. */
export function onStopSignal(listener: (signal: StopSignal) => void): () => void {
  holdStopSignals();
  listeners.add(listener);
  if (received) {
    const signal = received;
    queueMicrotask(() => listener(signal));
  }
  return () => listeners.delete(listener);
}
