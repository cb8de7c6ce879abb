import { defineRule } from '../../define-rule.js';
import { dmlVerbIndex, findTopWord, locate, statementTokens, tokenText, word } from '../../ast-dml.js';

const ORDER = new Set(['ORDER']);
const AFTER_ORDER = new Set(['LIMIT', 'RETURNING']);

export const disallowOrderBy = defineRule({
  id: 'statement.disallow-order-by',
  severity: 'warning',
  needs: 'text',
  summary: 'UPDATE and DELETE should not use ORDER BY',
  why:
    'ORDER BY in an UPDATE or DELETE makes the server sort the matching rows before ' +
    'changing them, often locking more rows for longer; it only matters together with ' +
    'LIMIT, which picks rows by position instead of by what they contain.',
  fix: 'Remove ORDER BY and select exactly the rows to change in the WHERE clause (e.g. by primary-key range).',
  check({ stmt }) {
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    if (!/\bORDER\b/i.test(stmt.stripped)) return [];
    const list = statementTokens(stmt);
    const verb = dmlVerbIndex(list);
    let at = verb < 0 ? -1 : findTopWord(list, ORDER, verb + 1);
    while (at >= 0 && word(list[at + 1]) !== 'BY') at = findTopWord(list, ORDER, at + 1);
    if (at < 0) return [];
    const end = findTopWord(list, AFTER_ORDER, at + 2);
    const shown = tokenText(list.slice(at, end < 0 ? list.length : end));
    return [
      {
        message: `${stmt.kind.toUpperCase()} with \`${shown}\` sorts the rows before changing them.`,
        fragment: shown,
        ...locate(stmt, ['ORDER', 'BY'], 'last'),
      },
    ];
  },
});
