import { backupRun, backupSweep } from './backup.js';
import { executeSql } from './execute-sql.js';
import { grant } from './grant.js';
import { grantRevoke, grantSweep } from './grant-lifecycle.js';
import { migrate } from './migrate.js';
import { alertSweep, monitorPoll } from './monitor.js';
import { restore } from './restore.js';
import { rollback } from './rollback.js';
import { runbook } from './runbook.js';
import { switchover } from './switchover.js';

/**
 * Every ticket kind, the one registry: tickets are validated, named, shown, checked and run through
 * it (src/tickets/kind.ts); workers route by `job.name`. The registry test checks it against the
 * files here. Adding a kind is its file and one line here.
 */
export const ticketKinds = [executeSql, rollback, migrate, runbook, grant, switchover, restore] as const;

/**
 * Monitor jobs, all in jobs/monitor.ts: not ticket jobs (no ticket, nothing changes on a target),
 * so not in `ticketKinds`; they run on their own queue, `dbops-monitors`, in src/wiring/monitor-worker.ts.
 */
export const monitorJobs = [monitorPoll, alertSweep] as const;

/**
 * Grant lifecycle jobs, in jobs/grant-lifecycle.ts: not ticket jobs (a revoke needs no approval and
 * only takes privileges away); they run on their own queue in src/wiring/grant-queue.ts.
 */
export const grantJobs = [grantRevoke, grantSweep] as const;

/**
 * Backup jobs, in jobs/backup.ts: not ticket jobs (a backup only reads its cluster); they run on
 * their own queue in src/backup/worker.ts. A restore is a ticket kind (jobs/restore.ts).
 */
export const backupJobs = [backupRun, backupSweep] as const;
