import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { dmlLimit, estimateFromPlan } from '../../explain/estimate.js';
import { changedTableName, statementPlan } from '../../explain/statement-plan.js';

export const affectedRowLimit = defineRule({
  id: 'statement.affected-row-limit',
  severity: 'warning',
  needs: 'server',
  summary: 'an UPDATE or DELETE must not touch more than N rows (EXPLAIN estimate)',
  why:
    'A change that rewrites many rows at once holds locks for a long time, makes replicas ' +
    'lag and fills the undo log; if it is wrong, many rows must be restored.',
  fix:
    'Narrow the WHERE clause, or change the rows in batches (e.g. by primary-key ranges ' +
    'of a few hundred rows) in separate statements or tickets.',
  params: z.strictObject({ max: z.number().int().min(0).default(1000) }),
  async check(ctx) {
    const { stmt, params } = ctx;
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    const plan = await statementPlan(ctx);
    if (plan.status !== 'explained') return [];
    const table = changedTableName(stmt);
    const estimate = estimateFromPlan(plan.plan, table);
    // EXPLAIN does not count the statement's own LIMIT.
    const limit = dmlLimit(stmt.stripped);
    const rows = estimate === null || limit === undefined ? estimate : Math.min(estimate, limit);
    if (rows === null || rows <= params.max) return [];
    const verb = stmt.kind.toUpperCase();
    const where = table ? ` of \`${table}\`` : '';
    const shards = stmt.shards
      ? ` on each of its ${stmt.shards.count} shards (about ${(rows * stmt.shards.count).toLocaleString('en-US')} in all)`
      : '';
    return [
      {
        message: `This ${verb} would touch about ${rows.toLocaleString('en-US')} rows${where}${shards} by the server's EXPLAIN estimate, above the limit of ${params.max.toLocaleString('en-US')}.`,
        fragment: stmt.stripped,
      },
    ];
  },
});
