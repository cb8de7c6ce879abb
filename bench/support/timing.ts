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
