import type { Metrics } from '../metrics.js';

const STATES = [
  'waiting',
  'active',
  'delayed',
  'waiting-children',
  'prioritized',
  'paused',
  'failed',
  'completed',
] as const;

/** Queue depth by state, read at scrape time. */
export async function collectDepths(
  metrics: Metrics,
  queues: ReadonlyArray<{ name: string; getJobCounts(...types: string[]): Promise<Record<string, number>> }>,
): Promise<void> {
  for (const queue of queues) {
    const counts = await queue.getJobCounts(...STATES);
    for (const state of STATES) metrics.queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
  }
}
