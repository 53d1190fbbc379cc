import { Presets, SingleBar } from "cli-progress";

export interface Progress {
  /** `done` of the total units; `records` sent so far, for the rate; `label` e.g. the simulated day. */
  update(done: number, records: number, label?: string): void;
  stop(): void;
}

/**
 * A bar over `total` units (days of a workload, records of a file) with records/s on a terminal;
 * elsewhere (CI, a pipe) one plain line every tenth of the way, so logs stay readable.
 */
export function createProgress(
  total: number,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = performance.now();
  const perSecond = (records: number) =>
    Math.round(records / Math.max((performance.now() - started) / 1000, 0.001));
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format: ` {bar} {percentage}% | {value}/{total} ${unit} | {records} records, {perSecond}/s | {label}`,
        stream,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { records: 0, perSecond: 0, label: "" });
    return {
      update: (done, records, label = "") =>
        bar.update(Math.min(done, total), { records, perSecond: perSecond(records), label }),
      stop: () => bar.stop(),
    };
  }
  let nextMark = 0.1;
  return {
    update(done, records, label = "") {
      if (done / total < nextMark) return;
      nextMark = Math.floor((done / total) * 10 + 1) / 10;
      stream.write(
        `${Math.round((done / total) * 100)}% ${done}/${total} ${unit}, ${records} records, ${perSecond(records)}/s ${label}\n`,
      );
    },
    stop: () => undefined,
  };
}
