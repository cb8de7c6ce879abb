import type { Cluster } from '../config/schema.js';
import { peakWindowAt, startTime } from '../tickets/run-time.js';
import type { Ticket } from '../tickets/ticket.js';

/** Less than this early is on time: BullMQ promotes delayed jobs with some slack. */
const ON_TIME_MS = 1_000;

export type Hold =
  /** Not yet: the ticket was scheduled for later. */
  | { reason: 'scheduled'; until: Date }
  /** Due, but the cluster is in its peak hours: wait for the window to end. */
  | { reason: 'peak'; until: Date; window: string };

/**
 * Whether a ticket's job (or one of its parts) must wait, and until when. A job due inside its
 * cluster's peak hours waits for the window to end; a scheduled one waits for its time.
 */
export function holdFor(
  ticket: Pick<Ticket, 'runAt'>,
  cluster: Pick<Cluster, 'timezone' | 'peak_hours'>,
  now: Date,
): Hold | null {
  const until = startTime(ticket.runAt, now, cluster);
  if (until.getTime() - now.getTime() < ON_TIME_MS) return null;
  const due = ticket.runAt && ticket.runAt.getTime() > now.getTime() ? ticket.runAt : now;
  const peak = peakWindowAt(due, cluster);
  return peak ? { reason: 'peak', until, window: peak.window } : { reason: 'scheduled', until };
}
