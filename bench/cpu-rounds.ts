/**
 * The small CPU benches' shared part (`bench/*-cpu.ts`): a round's CPU time (user + system) per
 * unit of work, measured `rounds` times after `warmUps` unmeasured rounds, and reported as the
 * median with every round, as one JSON line. CPU time moves far less between runs on this machine
 * than the pipeline's rates do, so a change to one hot path is judged by these.
 */
export async function reportCpuRounds(
  figure: string,
  { rounds, warmUps = 0, units }: { rounds: number; warmUps?: number; units: number },
  work: () => void | Promise<void>,
  details: Record<string, number | string> = {},
): Promise<void> {
  const perUnit: number[] = [];
  for (let index = 0; index < warmUps + rounds; index++) {
    const started = process.cpuUsage();
    await work();
    const used = process.cpuUsage(started);
    if (index >= warmUps) perUnit.push((used.user + used.system) / units);
  }
  perUnit.sort((a, b) => a - b);
  const round = (value: number) => Number(value.toFixed(3));
  console.log(
    JSON.stringify({
      [figure]: round(perUnit[perUnit.length >> 1] as number),
      rounds: perUnit.map(round),
      ...details,
    }),
  );
}
