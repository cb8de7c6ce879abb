import { defineRule } from '../../define-rule.js';
import { qualified, tableKey, targetTable } from '../../ast-ddl.js';
import type { TableRef } from '../../ast.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';

/** Statements that rebuild or alter a table in place: ALTER TABLE, CREATE INDEX, DROP INDEX. */
const ALTERING: ReadonlySet<ReviewStatement['kind']> = new Set(['alter-table', 'create-index', 'drop-index']);

export const statementMergeAlterTable = defineRule({
  id: 'statement.merge-alter-table',
  severity: 'warning',
  needs: 'text',
  scope: 'batch',
  summary: 'one ALTER per table per ticket',
  why:
    'Each ALTER TABLE (and CREATE/DROP INDEX) may copy or rebuild the whole table and ' +
    'holds a metadata lock while it starts and ends; several in a row on one table ' +
    'multiply that time and the replication lag.',
  fix: 'Merge the changes into one statement: ALTER TABLE t ADD COLUMN a …, ADD INDEX idx_a (a), DROP COLUMN b;',
  check({ batch, schema }) {
    const groups = new Map<string, { table: TableRef; stmts: ReviewStatement[] }>();
    for (const stmt of batch) {
      if (!ALTERING.has(stmt.kind)) continue;
      const table = targetTable(stmt);
      if (!table) continue;
      const key = tableKey(table, schema);
      const group = groups.get(key) ?? { table, stmts: [] };
      group.stmts.push(stmt);
      groups.set(key, group);
    }
    const findings: FindingDraft[] = [];
    for (const { table, stmts } of groups.values()) {
      if (stmts.length < 2) continue;
      const second = stmts[1];
      findings.push({
        message: `\`${qualified(table)}\` is altered by ${stmts.length} statements (lines ${stmts.map((s) => s.line).join(', ')}); merge them into one ALTER TABLE.`,
        fragment: second.stripped,
        line: second.line,
        column: second.column,
      });
    }
    return findings;
  },
});
