import { defineRule } from '../../define-rule.js';
import { statementPlan } from '../../explain/statement-plan.js';

export const dmlDryRun = defineRule({
  id: 'statement.dml-dry-run',
  severity: 'error',
  needs: 'server',
  summary: 'the server must accept the DML (EXPLAIN on the target, nothing is run)',
  why:
    'A statement that names a missing table or column, or that the server cannot read, ' +
    'fails when the change runs, possibly halfway through a ticket. Before approval dbops ' +
    'EXPLAINs only what it can prove harmless: a statement with a subquery, a stored or ' +
    'unknown function, a variable or a locking read is not sent to the server at all, and ' +
    'a DBA checks it when approving.',
  fix:
    'Correct the table and column names (check them with SHOW CREATE TABLE on the target) ' +
    'and the syntax at the place shown, then review again. A statement that was not ' +
    'EXPLAINed needs nothing from you: the DBA who approves it reads it.',
  async check(ctx) {
    const { stmt } = ctx;
    if (stmt.kind !== 'insert' && stmt.kind !== 'replace' && stmt.kind !== 'update' && stmt.kind !== 'delete')
      return [];
    const plan = await statementPlan(ctx);
    const verb = stmt.kind.toUpperCase();
    const fragment = stmt.stripped;
    if (plan.status === 'refused')
      return [
        {
          message: `This ${verb} was not EXPLAINed on the target: ${plan.reason}. Nothing was run; a DBA sees it when approving.`,
          fragment,
          // Not a rejection by the server: it cannot block the change, only tell the DBA to look.
          severity: 'warning',
        },
      ];
    if (plan.status !== 'failed') return [];
    const message = plan.fromServer
      ? `The target server rejects this ${verb} (EXPLAIN failed): ${plan.message}.`
      : `The dry run could not EXPLAIN this ${verb} on the target: ${plan.message}.`;
    return [{ message, fragment }];
  },
});
