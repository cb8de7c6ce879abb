import type { TicketJobKind } from '../src/queue/job-kind.js';
import { executeSql } from './execute-sql.js';
import { migrate } from './migrate.js';
import { alertSweep, monitorPoll } from './monitor.js';
import { rollback } from './rollback.js';

/** Every ticket job kind; workers route by `job.name`. The registry test checks it against the files here. */
export const ticketJobs: readonly TicketJobKind[] = [executeSql, rollback, migrate];

/**
 * Monitor jobs, all in jobs/monitor.ts: not ticket jobs (no ticket, nothing changes on a target),
 * so not in `ticketJobs`; they run on their own queue, `dbops-monitors`, in src/monitor/worker.ts.
 */
export const monitorJobs = [monitorPoll, alertSweep] as const;
