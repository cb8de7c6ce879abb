import { z } from 'zod';
import { runTicketSql } from '../src/execute/job.js';
import { defineKind, targetName } from '../src/tickets/kind.js';
import { sqlTouches } from '../src/tickets/protected-targets.js';

/** `/dbops exec cluster.schema <SQL>` and pasted SQL: statements to run on the target. */
export const SqlChangePayload = z.strictObject({ sql: z.string().min(1) });
export type SqlChangePayload = z.infer<typeof SqlChangePayload>;

/**
 * Run an approved SQL change on the cluster's primary: statements in order, each UPDATE/DELETE
 * backed up in its own transaction, INSERT keys recorded, ALTERs the cheapest safe way (large tables
 * through pt-online-schema-change with a DBA's cut-over); stops at the first error.
 */
export const executeSql = defineKind({
  kind: 'sql-change',
  name: 'execute-sql',
  payload: SqlChangePayload,
  title: (_payload, target) => `SQL change on ${targetName(target)}`,
  sql: (payload) => payload.sql,
  // The target and every schema a statement names are changed.
  touches: (payload, target) => sqlTouches(target, payload.sql, 'write'),
  undoable: true,
  async process(payload, ctx) {
    const { result } = await runTicketSql(
      { sql: payload.sql, purpose: 'change', estimate: ctx.ticket.estimatedRows },
      ctx,
    );
    return result;
  },
});
