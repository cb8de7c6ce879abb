import { defineRule } from '../../define-rule.js';
import { firstWords } from '../../strip.js';

const AUTOCOMMIT = /^SET\s+(?:(?:SESSION|LOCAL)\s+|@@(?:SESSION\.|LOCAL\.)?)?autocommit\b/i;

export const disallowCommit = defineRule({
  id: 'statement.disallow-commit',
  severity: 'warning',
  needs: 'text',
  summary: 'no COMMIT, ROLLBACK, BEGIN or autocommit changes in a change',
  why:
    'dbops runs the change itself and decides where transactions begin and end. A COMMIT ' +
    'in the middle makes the statements before it permanent even if a later one fails, a ' +
    'ROLLBACK silently undoes work the report says was done, and BEGIN / START ' +
    'TRANSACTION commits whatever ran before it.',
  fix:
    'Remove the transaction statements. If parts of the change must be committed ' +
    'separately, submit them as separate changes.',
  check({ stmt }) {
    if (stmt.kind === 'transaction') {
      const words = firstWords(stmt.stripped, 2);
      const shown = words[0] === 'START' || words[0] === 'RELEASE' ? words.join(' ') : words[0];
      return [
        {
          message: `\`${shown}\` controls the transaction, which dbops manages when it runs the change.`,
          fragment: stmt.stripped,
        },
      ];
    }
    if (stmt.kind === 'set' && AUTOCOMMIT.test(stmt.stripped)) {
      return [
        {
          message: `\`${stmt.stripped.slice(0, 60)}\` changes when the session commits, which dbops manages when it runs the change.`,
          fragment: stmt.stripped,
        },
      ];
    }
    return [];
  },
});
