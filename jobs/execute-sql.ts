import { runTicketSql } from '../src/execute/job.js';
import { defineTicketJob } from '../src/queue/job-kind.js';
import { SqlChangePayload } from '../src/tickets/ticket.js';

/**
 * Run an approved SQL change on the cluster's primary: statements in order, each UPDATE/DELETE
 * backed up in its own transaction, INSERT keys recorded, ALTERs the cheapest safe way (large tables
 * through pt-online-schema-change with a DBA's cut-over); stops at the first error.
 */
export const executeSql = defineTicketJob({
  name: 'execute-sql',
  payload: SqlChangePayload,
  async process(payload, ctx) {
    const { result } = await runTicketSql(
      { sql: payload.sql, purpose: 'change', estimate: ctx.ticket.estimatedRows },
      ctx,
    );
    return result;
  },
});
