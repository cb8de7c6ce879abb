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
  const best = candidates.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [i, run] of candidates.entries()) {
      const started = performance.now();
      await run();
      best[i] = Math.min(best[i], performance.now() - started);
    }
  }
  return best;
}
