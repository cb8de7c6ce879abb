import { runRollback } from '../src/execute/rollback-job.js';
import { defineTicketJob } from '../src/queue/job-kind.js';
import { RollbackPayload } from '../src/tickets/ticket.js';

/** Undo an earlier ticket from its before-images in dbops_backup (the SQL the rollback ticket was approved with). */
export const rollback = defineTicketJob({
  name: 'rollback',
  payload: RollbackPayload,
  process: (payload, ctx) => runRollback(payload, ctx),
});
