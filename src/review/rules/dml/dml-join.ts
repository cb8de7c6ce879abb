import { defineRule } from '../../define-rule.js';
import {
  dmlVerbIndex,
  findTopWord,
  isPunct,
  locate,
  statementTokens,
  tokenParts,
  tokenText,
  word,
} from '../../ast-dml.js';
import type { Token } from '../../strip.js';

const MODIFIERS = new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE']);
const UPDATE_END = new Set(['SET']);
const DELETE_END = new Set(['WHERE', 'ORDER', 'LIMIT', 'RETURNING']);

export const dmlJoin = defineRule({
  id: 'statement.dml.join',
  severity: 'warning',
  needs: 'text',
  summary: 'UPDATE and DELETE should change one table, without JOIN',
  why:
    'A multi-table UPDATE or DELETE decides which rows change through the join, so the ' +
    'rows cannot be listed and backed up exactly beforehand, the change cannot be rolled ' +
    'back row by row, and it can touch more rows (or tables) than it seems to.',
  fix:
    'First SELECT the primary keys of the rows to change (using the join), then UPDATE or ' +
    'DELETE the one table by those keys: `DELETE FROM t WHERE id IN (…)`.',
  check({ stmt }) {
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    const list = statementTokens(stmt);
    const tables = tableClause(list);
    if (!tables || !isMultiTable(tables, stmt.kind)) return [];
    const shown = tokenText(tables.tokens);
    return [
      {
        message: `This ${stmt.kind.toUpperCase()} works on several tables: \`${shown}\`.`,
        fragment: shown,
        ...locate(stmt, tokenParts(tables.tokens.slice(0, 3))),
      },
    ];
  },
});

interface TableClause {
  tokens: Token[];
  /** DELETE t1 FROM … (the targets come before FROM). */
  targetsBeforeFrom: boolean;
}

/** The table references: between UPDATE and SET, or between DELETE and WHERE/ORDER/LIMIT. */
function tableClause(list: Token[]): TableClause | undefined {
  let start = dmlVerbIndex(list);
  if (start < 0) return undefined;
  const isUpdate = word(list[start]) === 'UPDATE';
  start++;
  while (MODIFIERS.has(word(list[start]))) start++;
  const end = findTopWord(list, isUpdate ? UPDATE_END : DELETE_END, start);
  const tokens = list.slice(start, end < 0 ? list.length : end);
  return { tokens, targetsBeforeFrom: !isUpdate && word(tokens[0]) !== 'FROM' };
}

function isMultiTable({ tokens, targetsBeforeFrom }: TableClause, kind: string): boolean {
  if (kind === 'delete' && targetsBeforeFrom) return true;
  return tokens.some(
    (t) =>
      t.depth === 0 && (isPunct(t, ',') || word(t) === 'JOIN' || word(t) === 'USING' || word(t) === 'STRAIGHT_JOIN'),
  );
}
