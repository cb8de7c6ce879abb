import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RollbackPlan, rollbackSql } from '../../../src/execute/rollback-sql.js';
import { reviewSql } from '../../../src/review/engine.js';
import { rules } from '../../../src/review/rules/index.js';
import { defaultRules } from '../../../src/review/settings.js';

const plan: RollbackPlan = {
  ticketId: 42,
  backupSchema: 'dbops_backup',
  steps: [
    {
      statement: 1,
      kind: 'restore-deleted',
      table: { schema: 'shop', name: 'orders' },
      backup: { schema: 'dbops_backup', name: 'bk_42_1' },
      keyColumns: ['id'],
      columns: ['id', 'status', 'amount'],
      rows: 5,
      original: 'DELETE FROM orders WHERE id < 5',
    },
    {
      statement: 2,
      kind: 'restore-updated',
      table: { schema: 'shop', name: 'orders' },
      backup: { schema: 'dbops_backup', name: 'bk_42_2' },
      keyColumns: ['id'],
      columns: ['status'],
      rows: 5,
      original: "UPDATE orders SET status = 'x' WHERE id < 9",
    },
    {
      statement: 3,
      kind: 'remove-inserted',
      table: { schema: 'shop', name: 'lines' },
      backup: { schema: 'dbops_backup', name: 'bk_42_3' },
      keyColumns: ['order_id', 'line'],
      columns: [],
      rows: 5,
      original: 'INSERT INTO lines (order_id, line) VALUES (1, 1)',
    },
  ],
  notUndoable: [],
  rolledBackBy: null,
  rows: 15,
  legacyStatements: 0,
};

async function rulesFired(authoredBy: 'user' | 'dbops'): Promise<string[]> {
  const report = await reviewSql(rollbackSql(plan), { rules: defaultRules(rules), purpose: 'change', authoredBy });
  return report.statements.flatMap((s) => s.findings.map((f) => f.rule));
}

describe('the rollback script dbops writes', () => {
  it('earns no findings from dbops’ own rules about how SQL is written', async () => {
    assert.deepEqual(await rulesFired('dbops'), []);
  });

  it('would earn them if a user had written it (the exemption is what makes the difference)', async () => {
    assert.ok((await rulesFired('user')).includes('statement.subquery.in-subquery'));
  });
});
