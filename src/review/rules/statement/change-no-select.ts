import { clipFragment } from '../../fragment.js';
import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { findTopWord, statementTokens } from '../../ast-dml.js';
import type { ReviewStatement } from '../../types.js';

const INTO = new Set(['INTO']);

export const changeNoSelect = defineRule({
  id: 'statement.change-no-select',
  severity: 'error',
  needs: 'text',
  summary: 'a change ticket should not contain plain SELECTs',
  why:
    'A change ticket runs on the primary to modify data or schema, and nobody reads the ' +
    'result of a SELECT in it: the query only adds load on the primary (and, with FOR ' +
    'UPDATE or LOCK IN SHARE MODE, holds locks while the change runs).',
  fix:
    'Remove the SELECT from the change. To look at data, use a query request or `/dbops ' +
    'review` instead; `SELECT … INTO @var` used by later statements is allowed.',
  check({ stmt, purpose }) {
    if (purpose !== 'change' || stmt.kind !== 'select' || selectsInto(stmt)) return [];
    return [
      {
        message: `\`${clipFragment(stmt.stripped, 60)}\` is a query: its result is not shown or used in a change.`,
        fragment: stmt.stripped,
      },
    ];
  },
});

/** `SELECT … INTO @var` (or INTO OUTFILE, which load-data-outfile reports): not a plain query. */
function selectsInto(stmt: ReviewStatement): boolean {
  if (isObject(stmt.ast)) return isObject(stmt.ast.into) && typeof stmt.ast.into.keyword === 'string';
  return findTopWord(statementTokens(stmt), INTO) >= 0;
}
