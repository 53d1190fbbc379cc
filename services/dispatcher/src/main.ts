// Only this loads before the signal handlers are in place; the service itself loads after, so a
// SIGTERM while it loads or starts still ends in a clean stop (see holdStopSignals).
import { holdStopSignals } from "@cx/runtime/stop-signals";

holdStopSignals();
await import("./wiring");
