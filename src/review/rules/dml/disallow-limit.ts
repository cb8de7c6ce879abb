import { defineRule } from '../../define-rule.js';
import { dmlVerbIndex, findTopWord, locate, statementTokens, tokenParts, tokenText } from '../../ast-dml.js';

const LIMIT = new Set(['LIMIT']);
const AFTER_LIMIT = new Set(['RETURNING']);

export const disallowLimit = defineRule({
  id: 'statement.disallow-limit',
  severity: 'warning',
  needs: 'text',
  summary: 'UPDATE and DELETE should not use LIMIT',
  why: 'LIMIT picks an arbitrary subset of the matching rows: which rows change depends on the execution plan, so the change cannot be reviewed or backed up exactly, re-running it changes other rows, and with statement-based replication a replica may change different rows than the primary.',
  fix: 'Select exactly the rows to change in the WHERE clause, e.g. by primary-key range (`WHERE id BETWEEN 1 AND 10000`). To work through a large table in batches, run one statement per key range.',
  check({ stmt }) {
    if (stmt.kind !== 'update' && stmt.kind !== 'delete') return [];
    if (!/\bLIMIT\b/i.test(stmt.stripped)) return [];
    const list = statementTokens(stmt);
    const verb = dmlVerbIndex(list);
    const at = verb < 0 ? -1 : findTopWord(list, LIMIT, verb + 1);
    if (at < 0) return [];
    const end = findTopWord(list, AFTER_LIMIT, at + 1);
    const clause = list.slice(at, end < 0 ? list.length : end);
    const shown = tokenText(clause);
    return [
      {
        message: `${stmt.kind.toUpperCase()} with \`${shown}\` changes an arbitrary ${tokenText(clause.slice(1, 2))} of the matching rows.`,
        fragment: shown,
        ...locate(stmt, tokenParts(clause.slice(0, 2)), 'last'),
      },
    ];
  },
});
