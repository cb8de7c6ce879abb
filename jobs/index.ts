import type { TicketJobKind } from '../src/queue/job-kind.js';
import { executeSql } from './execute-sql.js';
import { rollback } from './rollback.js';

/** Every ticket job kind; workers route by `job.name`. The registry test checks it against the files here. */
export const ticketJobs: readonly TicketJobKind[] = [executeSql, rollback];
