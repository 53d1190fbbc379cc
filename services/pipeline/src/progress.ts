import { Presets, SingleBar } from "cli-progress";

export interface Progress {
  update(done: number, details: { perSecond: number; day: string }): void;
  stop(): void;
}

/**
 * A bar with events/s on a terminal; elsewhere (CI, a pipe) one plain line every tenth of the way,
 * so logs stay readable.
 */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format: " {bar} {percentage}% | {value}/{total} touchpoints | {perSecond}/s | {day}",
        stream,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { perSecond: 0, day: "" });
    return {
      update: (done, details) => bar.update(Math.min(done, total), details),
      stop: () => bar.stop(),
    };
  }
  let nextMark = 0.1;
  return {
    update(done, { perSecond, day }) {
      if (done / total < nextMark) return;
      nextMark += 0.1;
      stream.write(`${Math.round((done / total) * 100)}% ${done} touchpoints ${perSecond}/s (${day})\n`);
    },
    stop: () => undefined,
  };
}
