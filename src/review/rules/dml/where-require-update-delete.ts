import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { dmlVerbIndex, findTopWord, statementTokens } from '../../ast-dml.js';
import type { ReviewStatement } from '../../types.js';

const WHERE = new Set(['WHERE']);

export const whereRequireUpdateDelete = defineRule({
  id: 'statement.where.require.update-delete',
  severity: 'error',
  needs: 'text',
  summary: 'UPDATE and DELETE must have a WHERE clause',
  why: 'Without WHERE the statement changes or deletes every row of the table.',
  fix:
    'Add a WHERE clause that selects only the rows you mean to change (by primary key ' +
    'where you can). If you really mean every row, say so in the ticket and ask a DBA for ' +
    'an exception.',
  check({ stmt }) {
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    if (hasWhere(stmt)) return [];
    const verb = stmt.kind.toUpperCase();
    return [
      {
        message: `${verb} without WHERE: it would ${stmt.kind === 'delete' ? 'delete' : 'change'} every row of the table.`,
        fragment: stmt.stripped,
      },
    ];
  },
});

/** From the AST, or (for the UPDATE … LIMIT the parser cannot read) a top-level WHERE keyword. */
function hasWhere(stmt: ReviewStatement): boolean {
  if (isObject(stmt.ast)) return Boolean(stmt.ast.where);
  const list = statementTokens(stmt);
  const verb = dmlVerbIndex(list);
  return verb < 0 || findTopWord(list, WHERE, verb + 1) >= 0;
}
