import { performance } from 'node:perf_hooks';

/** The fastest of `runs` timed runs (ms): the least disturbed by other work on a shared machine. */
export async function bestOf(runs: number, fn: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** How many times faster `candidate` is than `baseline`, from their times (higher is better). */
export function ratio(baselineMs: number, candidateMs: number): string {
  return (baselineMs / candidateMs).toFixed(2);
}

/** Run each candidate once per round, `rounds` times, alternating; the fastest time of each (ms). */
export async function interleavedBest(rounds: number, candidates: Array<() => Promise<void>>): Promise<number[]> {
  return (await interleavedBestTimes(rounds, candidates)).wall;
}

/**
 * As interleavedBest, with each candidate's least CPU time (ms, this process's user + system) too:
 * on a machine busy with other work, wall time also counts the time the process waited for a core.
 */
export async function interleavedBestTimes(
  rounds: number,
  candidates: Array<() => Promise<void>>,
): Promise<{ wall: number[]; cpu: number[] }> {
  const wall = candidates.map(() => Infinity);
  const cpu = candidates.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [i, run] of candidates.entries()) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await run();
      wall[i] = Math.min(wall[i], performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu[i] = Math.min(cpu[i], (used.user + used.system) / 1000);
    }
  }
  return { wall, cpu };
}
