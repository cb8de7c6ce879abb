import { defineRule } from '../../define-rule.js';
import { firstWords } from '../../strip.js';
import type { StatementKind } from '../../types.js';

const ACCOUNT_KINDS: ReadonlySet<StatementKind> = new Set(['grant', 'revoke', 'create-user']);
/** Account statements the classifier files under other kinds, by their first two words. */
const ACCOUNT_STARTS = new Set([
  'ALTER USER',
  'RENAME USER',
  'DROP USER',
  'SET PASSWORD',
  'CREATE ROLE',
  'DROP ROLE',
  'SET DEFAULT',
]);

export const grantInChange = defineRule({
  id: 'statement.grant-in-change',
  severity: 'error',
  needs: 'text',
  summary: 'accounts and privileges are asked for with /dbops grant, not through a change ticket',
  why:
    'Accounts and privileges have their own request and approval process: the right DBAs ' +
    'approve them, the password is delivered privately, and the grant is recorded. In a ' +
    'change ticket, a password would be visible in the SQL, the ticket history and the ' +
    'logs, and the privilege would escape that review.',
  fix:
    'Remove the statement and ask with `/dbops grant cluster.schema PRIV[,PRIV…] [to ' +
    'user@host] [for 8h]`: DBAs approve it, the password reaches only its owner, and the ' +
    'grant is recorded and expires.',
  // Also in a plain review: what is reviewed there is usually about to be asked for as a change.
  check({ stmt }) {
    const words = firstWords(stmt.stripped, 2);
    const start = words.join(' ');
    if (!ACCOUNT_KINDS.has(stmt.kind) && !ACCOUNT_STARTS.has(start)) return [];
    if (start === 'SET DEFAULT' && firstWords(stmt.stripped, 3)[2] !== 'ROLE') return [];
    const shown =
      stmt.kind === 'grant' || stmt.kind === 'revoke' ? words[0] : start === 'SET DEFAULT' ? 'SET DEFAULT ROLE' : start;
    return [
      {
        message: `\`${shown}\` changes accounts or privileges: ask for it with \`/dbops grant\`, not as a SQL change.`,
        fragment: shown,
      },
    ];
  },
});
