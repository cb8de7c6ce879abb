import { defineRule } from '../../define-rule.js';
import { statementPlan } from '../../explain/statement-plan.js';

export const dmlDryRun = defineRule({
  id: 'statement.dml-dry-run',
  severity: 'error',
  needs: 'server',
  summary: 'the server must accept the DML (EXPLAIN on the target, nothing is run)',
  why: 'A statement that names a missing table or column, or that the server cannot read, fails when the change runs, possibly halfway through a ticket.',
  fix: 'Correct the table and column names (check them with SHOW CREATE TABLE on the target) and the syntax the server points at, then review again.',
  async check(ctx) {
    const { stmt } = ctx;
    if (stmt.kind !== 'insert' && stmt.kind !== 'replace' && stmt.kind !== 'update' && stmt.kind !== 'delete')
      return [];
    const plan = await statementPlan(ctx);
    if (plan.status !== 'failed') return [];
    const message = plan.fromServer
      ? `The target server rejects this ${stmt.kind.toUpperCase()} (EXPLAIN failed): ${plan.message}`
      : `The dry run could not EXPLAIN this ${stmt.kind.toUpperCase()} on the target: ${plan.message}`;
    return [{ message, fragment: stmt.stripped.slice(0, 80) }];
  },
});
