import type { Ticket } from '../tickets/ticket.js';
import type { RunnerDeps } from './runner-deps.js';
import { dbopsKey } from '../db/redis-keys.js';

export interface PeakWait {
  cluster: string;
  window: string;
  until: Date;
  timezone: string;
  /** The run had started (its remaining parts pause) rather than being due. */
  started: boolean;
}

/** Say in the thread that the ticket waits for the peak window to end: once per ticket attempt and window, whichever worker notices. */
export async function noticePeak(
  deps: Pick<RunnerDeps, 'redis' | 'keys' | 'relay'>,
  ticket: Ticket,
  wait: PeakWait,
): Promise<void> {
  const key = dbopsKey(deps.keys, 'notice', 'peak', ticket.id, ticket.attempt, wait.until.getTime());
  const ttl = Math.max(60_000, wait.until.getTime() - Date.now() + 3_600_000);
  const first = await deps.redis.set(key, '1', 'PX', ttl, 'NX');
  if (first === 'OK') await deps.relay.peakWait(ticket, wait);
}
